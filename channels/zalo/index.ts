import express from 'express';
import type { ChannelAdapter, ChannelCapabilities, ChannelHost, ReplyWindow } from '../../src/core/channel';
import { HOUR, systemClock, type Clock } from '../../src/core/clock';
import { KeyedSerialQueue } from '../../src/core/keyed-queue';
import { contactKeyOf, type ParsedEvent } from '../../src/core/message';
import { withUploadLinks } from '../../src/uploads/upload-store';
import { allEvents } from '../../src/pipeline/inbound-journal';
import type { ZaloConfig } from './config';
import { createZaloApi } from './oa-api';
import { isPermissionRevoked, parseWebhook, revokedOaId } from './parse';
import type { ZaloProfiles } from './profile';
import { ZaloAccounts } from './accounts';
import { needsReconnect } from './errors';
import { InMemoryReplyCounter, type ReplyCounter } from './reply-counter';
import { CS_WINDOW_MS, evaluateWindow } from './window';
import { zaloCampaignWindow } from './campaign-window';
import { InMemoryTokenStore, type TokenStore } from './token-store';
import type { TokenManager } from './tokens';
import { verifyZaloSignature } from './verify';
import { createZaloRateLimiter } from './rate-limit';

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
  /** Where the token pairs live; default in-memory (one node, lost on restart). */
  store?: TokenStore;
  replies?: ReplyCounter;
  clock?: Clock;
  /** Look up name/avatar after a contact's message is stored. Default true. */
  enrichProfiles?: boolean;
  /** How often the OAs' tokens are checked and refreshed ahead of expiry (default hourly; 0 = never). */
  refreshCheckEveryMs?: number;
}

export interface ZaloChannel extends ChannelAdapter {
  /** Every OA served (ZALO_OA_ID and those connected through the admin API). */
  readonly accounts: ZaloAccounts;
  /** The ZALO_OA_ID account's tokens. */
  readonly tokens: TokenManager;
  readonly profiles: ZaloProfiles;
  readonly config: ZaloConfig;
  /** Refresh every OA's token that is due; a dead refresh token marks that OA as needing reconnection. */
  refreshDueTokens(): Promise<void>;
}

export function createZaloChannel(config: ZaloConfig, options: ZaloChannelOptions = {}): ZaloChannel {
  const clock = options.clock ?? systemClock;
  const api = createZaloApi({ baseUrl: config.apiUrl });
  const replies = options.replies ?? new InMemoryReplyCounter();
  const queue = new KeyedSerialQueue();
  let host: ChannelHost | null = null;
  let timer: NodeJS.Timeout | null = null;
  const accounts = new ZaloAccounts({
    config,
    store: options.store ?? new InMemoryTokenStore(),
    api,
    clock,
    replies,
    rateLimiter: createZaloRateLimiter({ budget: () => host?.rateBudget ?? null }),
    onProfileError: (err, oaId, userId) => host?.logger.warn({ channel: 'zalo', oaId, userId, err }, 'zalo profile lookup failed'),
  });

  /** Name and avatar after the message is stored: never holds the pipeline up. */
  const enrich = (h: ChannelHost, oaId: string, userId: string, at: Date) => {
    void accounts
      .get(oaId)
      .profiles.get(userId)
      .then((profile) =>
        profile ? h.platformEvent({ kind: 'contact', origin: { channel: 'zalo', accountId: oaId, externalUserId: userId, at }, externalId: userId, profile, follower: null }) : undefined,
      )
      .catch((err: unknown) => h.logger.debug({ channel: 'zalo', err: String((err as Error)?.message ?? err) }, 'zalo profile not applied'));
  };

  const handle = async (event: ParsedEvent, h: ChannelHost): Promise<void> => {
    if (isPermissionRevoked(event)) {
      const oaId = revokedOaId(event) ?? config.oaId;
      await h.connectionProblem(oaId, "Zalo: the OA revoked this app's permission — reconnect the OA");
      return;
    }
    const oaId = event.kind === 'message' ? event.message.accountId : event.kind === 'ignored' ? null : event.origin.accountId;
    if (oaId !== null && !(await accounts.serves(oaId))) {
      h.logger.warn({ channel: 'zalo', oaId }, 'zalo event for an OA this gateway does not serve: ignored');
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
    const result = await h.ingest(message);
    h.logger.debug({ channel: 'zalo', externalId: message.externalId, stored: result.stored }, 'zalo message ingested');
    if (result.stored && options.enrichProfiles !== false) enrich(h, message.accountId, message.externalUserId, message.sentAt);
  };

  const refreshDueTokens = async (): Promise<void> => {
    for (const oaId of await accounts.list()) {
      try {
        await accounts.get(oaId).tokens.refreshIfDue();
        await host?.connectionProblem(oaId, null);
      } catch (err) {
        if (needsReconnect(err)) await host?.connectionProblem(oaId, (err as Error).message);
        else host?.logger.warn({ channel: 'zalo', oaId, err: String((err as Error)?.message ?? err) }, 'zalo token refresh failed; will try again');
      }
    }
  };

  const envAccount = accounts.get(config.oaId);
  return {
    id: 'zalo',
    capabilities: ZALO_CAPABILITIES,
    accounts,
    config,
    get tokens() {
      return accounts.get(config.oaId).tokens;
    },
    profiles: envAccount.profiles,
    refreshDueTokens,

    async replyWindow(address, lastInboundAt, at): Promise<ReplyWindow> {
      const sent = await replies.count(address.accountId, address.externalUserId, lastInboundAt);
      const w = evaluateWindow({ lastInboundAt, oaMessagesSinceLastInbound: sent, now: at });
      const closesAt = lastInboundAt ? new Date(lastInboundAt.getTime() + CS_WINDOW_MS) : null;
      if (!w.allowed) return { canReply: false, closesAt: null, freeRepliesLeft: 0, note: w.reason ?? 'Zalo: replies are closed' };
      return { canReply: true, closesAt, freeRepliesLeft: w.freeRepliesLeft, note: w.charged ? `Zalo: ${w.reason}` : `Zalo: ${w.freeRepliesLeft} free replies left` };
    },

    // Promotions: followers only, 06:00–22:00 Vietnam time, one a day (campaign-window.ts).
    campaignWindow: async (target, at) => zaloCampaignWindow(target, at),

    mount(h: ChannelHost) {
      host = h;
      const router = express.Router();
      // Per sending address, before the body is read; generous (RATE_LIMIT_DEFAULTS.webhook_ip): far above what Zalo sends, only a junk source reaches it.
      router.post('/webhooks/zalo', h.rateLimits.perIp('webhook_ip', 'too many webhook requests from this address'), express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
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
      const every = options.refreshCheckEveryMs ?? HOUR;
      if (every > 0) {
        const tick = () => void refreshDueTokens().catch((err: unknown) => h.logger.error({ channel: 'zalo', err: String(err) }, 'zalo token check failed'));
        timer = setInterval(tick, every);
        timer.unref();
        tick();
      }
    },

    // Events are queued synchronously, before any await: bodies keep their arrival order per user.
    processWebhook(body, receivedAt) {
      const h = host;
      if (!h) return Promise.reject(new Error('zalo channel is not mounted'));
      // verify.ts parsed these bytes before they were stored: they are JSON.
      const events = parseWebhook(JSON.parse(body), { receivedAt, oaId: config.oaId });
      return allEvents(events.map((event) => queue.run(contactKeyOf(event), () => handle(event, h))));
    },

    // Agents' attachments are stored uploads: Zalo gets a signed link it can fetch (images) or we download (files).
    send: (message) =>
      accounts.get(message.address.accountId).sender.send(host ? { ...message, content: withUploadLinks(message.content, (id) => host!.uploads.signedUrl(host!.publicUrl(), id)) } : message),

    close: () => {
      if (timer) clearInterval(timer);
      return queue.drain();
    },
  };
}
