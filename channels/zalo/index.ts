import express from 'express';
import type { ChannelAdapter, ChannelCapabilities, ChannelHost, ReplyWindow } from '../../src/core/channel';
import { systemClock, type Clock } from '../../src/core/clock';
import { KeyedSerialQueue } from '../../src/core/keyed-queue';
import { contactKeyOf, type ParsedEvent } from '../../src/core/message';
import { allEvents } from '../../src/pipeline/inbound-journal';
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
 * `POST /webhooks/zalo`: raw body → signature (401 when bad) → stored by the core's inbound
 * journal → 200 → `processWebhook` (now, or after a crash): per user in order, messages are
 * ingested (profile looked up afterwards, never blocking), echoes/receipts/follow update what
 * is stored, `permission_revoked` marks the OA as needing reconnection, the rest is recorded.
 * ref: channels.md §3.1 (raw body first), §3.2 (ack fast, Zalo allows ~2 s)
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

  /** Name and avatar after the message is stored: never holds the pipeline up. */
  const enrich = (h: ChannelHost, userId: string, at: Date) => {
    void profiles
      .get(userId)
      .then((profile) =>
        profile ? h.platformEvent({ kind: 'contact', origin: { channel: 'zalo', accountId: config.oaId, externalUserId: userId, at }, externalId: userId, profile, follower: null }) : undefined,
      )
      .catch((err: unknown) => h.logger.debug({ channel: 'zalo', err: String((err as Error)?.message ?? err) }, 'zalo profile not applied'));
  };

  const handle = async (event: ParsedEvent, h: ChannelHost): Promise<void> => {
    if (isPermissionRevoked(event)) {
      await h.connectionProblem(config.oaId, 'Zalo: the OA revoked this app\'s permission — reconnect the OA');
      return;
    }
    if (event.kind === 'echo' || event.kind === 'delivery' || event.kind === 'read' || event.kind === 'contact') {
      const result = await h.platformEvent(event);
      h.logger.debug({ channel: 'zalo', kind: event.kind, result }, 'zalo platform event');
      return;
    }
    if (event.kind !== 'message') {
      h.logger.info({ channel: 'zalo', kind: event.kind, reason: event.kind === 'ignored' ? event.reason : undefined }, 'zalo event recorded');
      return;
    }
    const { message } = event;
    if (message.accountId !== config.oaId) {
      h.logger.warn({ channel: 'zalo', accountId: message.accountId }, 'zalo message for another OA ignored');
      return;
    }
    const result = await h.ingest(message);
    h.logger.debug({ channel: 'zalo', externalId: message.externalId, stored: result.stored }, 'zalo message ingested');
    if (result.stored && options.enrichProfiles !== false) enrich(h, message.externalUserId, message.sentAt);
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
        const body = raw.toString('utf8');
        h.accept(body, clock.now()).then(
          () => res.status(200).json({ ok: true }),
          (err: unknown) => {
            // Not stored: Zalo must retry, so it must not get a 200.
            h.logger.error({ channel: 'zalo', err: String((err as Error)?.message ?? err) }, 'zalo webhook not stored');
            res.status(503).json({ error: { code: 'GW_ERR_UNAVAILABLE', message: 'try again later' } });
          },
        );
      });
      h.router.use(router);
    },

    // Events are queued synchronously, before any await: bodies keep their arrival order per user.
    processWebhook(body, receivedAt) {
      const h = host;
      if (!h) return Promise.reject(new Error('zalo channel is not mounted'));
      // verify.ts parsed these bytes before they were stored: they are JSON.
      const events = parseWebhook(JSON.parse(body), { receivedAt, oaId: config.oaId });
      return allEvents(events.map((event) => queue.run(contactKeyOf(event), () => handle(event, h))));
    },

    send: (message) => sender.send(message),

    close: () => queue.drain(),
  };
}
