import express from 'express';
import type { ChannelAdapter, ChannelCapabilities, ChannelHost, ReplyWindow } from '../../src/core/channel';
import { systemClock, type Clock } from '../../src/core/clock';
import { KeyedSerialQueue } from '../../src/core/keyed-queue';
import type { ParsedEvent } from '../../src/core/message';
import type { ZaloConfig } from './config';
import { createZaloApi } from './oa-api';
import { isPermissionRevoked, parseWebhook } from './parse';
import { createZaloProfiles, type ZaloProfiles } from './profile';
import { InMemoryReplyCounter, type ReplyCounter } from './reply-counter';
import { CS_WINDOW_MS, evaluateWindow } from './window';
import { createZaloSender } from './send';
import { InMemoryTokenStore, type TokenStore } from './token-store';
import { TokenManager } from './tokens';
import { verifyZaloSignature } from './verify';

/**
 * The Zalo Official Account channel (OA Open API v3 + OAuth v4 — not the "Zalo Bot" platform).
 *
 * `POST /webhooks/zalo`: raw body → signature (401 when bad) → 200 at once → parse → for
 * messages, profile lookup then `host.ingest`, serialized per user so one user's messages keep
 * their order. Other kinds (echoes, receipts, follow, reactions) are logged until the core
 * handles them; `permission_revoked` is logged as an error (reconnect required).
 * ref: channels.md §3.1 (raw body first), §3.2 (ack fast, Zalo allows ~2 s)
 *
 * Open points for the gateway: a PostgreSQL TokenStore (the in-memory default forgets rotated
 * tokens on restart), a persistent dedupe (the core's unique externalId does it for messages),
 * echo reconciliation, and a scheduler calling `tokens.refreshIfDue()` about hourly.
 */

export const ZALO_CAPABILITIES: ChannelCapabilities = {
  // CS text has no buttons: quick replies are rendered as numbered lines (render.ts).
  quickReplies: false,
  images: true,
  files: true,
  typingIndicator: false,
  maxTextLength: 2000,
};

export interface ZaloChannelOptions {
  /** Where the token pair lives; default in-memory (one node, lost on restart). */
  store?: TokenStore;
  replies?: ReplyCounter;
  clock?: Clock;
  /** Look up name/avatar before ingesting a message (after the 200). Default true. */
  enrichProfiles?: boolean;
}

export interface ZaloChannel extends ChannelAdapter {
  readonly tokens: TokenManager;
  readonly profiles: ZaloProfiles;
}

export function createZaloChannel(config: ZaloConfig, options: ZaloChannelOptions = {}): ZaloChannel {
  const clock = options.clock ?? systemClock;
  const tokens = new TokenManager({
    oaId: config.oaId,
    appId: config.appId,
    appSecret: config.appSecret,
    oauthUrl: config.oauthUrl,
    store: options.store ?? new InMemoryTokenStore(),
    clock,
    seed: { accessToken: config.accessToken, refreshToken: config.refreshToken },
  });
  const api = createZaloApi({ baseUrl: config.apiUrl });
  const replies = options.replies ?? new InMemoryReplyCounter();
  const sender = createZaloSender({ api, tokens, config, clock, replies });
  const queue = new KeyedSerialQueue();
  let host: ChannelHost | null = null;
  const profiles = createZaloProfiles({
    api,
    tokens,
    clock,
    onError: (err, userId) => host?.logger.warn({ channel: 'zalo', userId, err }, 'zalo profile lookup failed'),
  });

  const handle = async (event: ParsedEvent, h: ChannelHost): Promise<void> => {
    if (event.kind !== 'message') {
      if (isPermissionRevoked(event)) h.logger.error({ channel: 'zalo', oaId: config.oaId }, 'zalo: the OA revoked the app permission; reconnect required');
      else if (event.kind === 'echo' || event.kind === 'delivery' || event.kind === 'read' || event.kind === 'contact') {
        const origin = event.origin;
        await queue.run(`${origin.accountId}:${origin.externalUserId}`, async () => {
          const result = await h.platformEvent(event);
          h.logger.debug({ channel: 'zalo', kind: event.kind, result }, 'zalo platform event');
        });
      } else h.logger.info({ channel: 'zalo', kind: event.kind, reason: event.kind === 'ignored' ? event.reason : undefined }, 'zalo event not handled');
      return;
    }
    const { message } = event;
    if (message.accountId !== config.oaId) {
      h.logger.warn({ channel: 'zalo', accountId: message.accountId }, 'zalo message for another OA ignored');
      return;
    }
    await queue.run(`${message.accountId}:${message.externalUserId}`, async () => {
      const profile = options.enrichProfiles === false ? null : await profiles.get(message.externalUserId);
      const result = await h.ingest(profile ? { ...message, profile } : message);
      h.logger.debug({ channel: 'zalo', externalId: message.externalId, stored: result.stored }, 'zalo message ingested');
    });
  };

  return {
    id: 'zalo',
    capabilities: ZALO_CAPABILITIES,
    tokens,
    profiles,

    async replyWindow(address, lastInboundAt, at): Promise<ReplyWindow> {
      const sent = await replies.count(address.accountId, address.externalUserId, lastInboundAt);
      const w = evaluateWindow({ lastInboundAt, oaMessagesSinceLastInbound: sent, now: at });
      const closesAt = lastInboundAt ? new Date(lastInboundAt.getTime() + CS_WINDOW_MS) : null;
      if (!w.allowed) return { canReply: false, closesAt: null, freeRepliesLeft: 0, note: w.reason ?? 'Zalo: replies are closed' };
      return { canReply: true, closesAt, freeRepliesLeft: w.freeRepliesLeft, note: w.charged ? `Zalo: ${w.reason}` : `Zalo: ${w.freeRepliesLeft} free replies left` };
    },

    mount(h: ChannelHost) {
      host = h;
      const router = express.Router();
      router.post('/webhooks/zalo', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const verdict = verifyZaloSignature(raw, req.headers, config.oaSecretKey, clock.now());
        if (!verdict.ok) {
          h.logger.warn({ channel: 'zalo', reason: verdict.reason }, 'zalo webhook rejected');
          res.status(401).json({ error: { code: 'GW_ERR_SIGNATURE_INVALID', message: verdict.detail } });
          return;
        }
        res.status(200).json({ ok: true });
        // verify.ts parsed these bytes already: they are JSON.
        const events = parseWebhook(JSON.parse(raw.toString('utf8')), { receivedAt: clock.now(), oaId: config.oaId });
        for (const event of events) {
          handle(event, h).catch((err: unknown) => h.logger.error({ channel: 'zalo', err }, 'zalo event processing failed'));
        }
      });
      h.router.use(router);
    },

    send: (message) => sender.send(message),

    close: () => queue.drain(),
  };
}
