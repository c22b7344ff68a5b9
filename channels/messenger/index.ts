import express, { type Request, type Response } from 'express';
import type { ReplyWindow, ChannelAdapter, ChannelHost, OutboundMessage, SendResult } from '../../src/core/channel';
import { isGatewayError } from '../../src/core/errors';
import { KeyedSerialQueue } from '../../src/core/keyed-queue';
import type { ParsedEvent } from '../../src/core/message';
import { uploadIdOf } from '../../src/uploads/upload-store';
import type { MessengerConfig } from './config';
import { createGraphApi, type GraphApi } from './graph-api';
import { parseWebhook } from './parse';
import { createProfileFetcher } from './profile';
import type { SendRateLimiter } from './rate-limit';
import { messengerCapabilities } from './render';
import { createMessengerSender } from './send';
import { verifySignature, verifySubscription } from './verify';
import { decideWindow, HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS } from './window';

export { loadMessengerConfig, type MessengerConfig } from './config';

export const WEBHOOK_PATH = '/webhooks/messenger';

export interface MessengerChannelOptions {
  /** Injected for tests; by default an axios client for `config.graphUrl`. */
  graph?: GraphApi;
  rateLimiter?: SendRateLimiter;
  now?: () => Date;
  /** Look up contact names/pictures before handing messages to the core (default true). */
  fetchProfiles?: boolean;
}

/**
 * Facebook Messenger as a channel. The webhook edge is verify → ack → process: the
 * signature is checked over the raw bytes, the body parsed (pure), 200 returned, and only
 * then are events handed to the core, one contact's in order (different contacts in
 * parallel). Today the core ingests contact messages; the other parsed kinds (echoes,
 * receipts, reactions, handover, standby messages) are logged until the pipeline grows
 * the matching handlers.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks
 */
export function createMessengerChannel(config: MessengerConfig, options: MessengerChannelOptions = {}): ChannelAdapter {
  const graph = options.graph ?? createGraphApi({ graphUrl: config.graphUrl, apiVersion: config.apiVersion, appSecret: config.appSecret });
  const now = options.now ?? (() => new Date());
  const queue = new KeyedSerialQueue();
  let host: ChannelHost | null = null;
  const resolveUrl = (url: string) => {
    const id = uploadIdOf(url);
    return id && host ? host.uploads.signedUrl(host.publicUrl(), id) : url;
  };
  const sender = createMessengerSender({ graph, config, rateLimiter: options.rateLimiter, now, resolveUrl });
  const profiles = createProfileFetcher({ graph, config, onError: (err, where) => host?.logger.debug({ err: describe(err), ...where }, 'messenger profile lookup failed') });

  const handle = async (h: ChannelHost, event: ParsedEvent): Promise<void> => {
    if (event.kind === 'echo' || event.kind === 'delivery' || event.kind === 'read' || event.kind === 'contact') {
      const result = await h.platformEvent(event);
      h.logger.debug({ kind: event.kind, result, ...summary(event) }, 'messenger platform event');
      return;
    }
    if (event.kind !== 'message' || event.standby) {
      // Ignored items are frequent and routine; handover, reactions and standby matter more.
      const level = event.kind === 'ignored' ? 'debug' : 'info';
      h.logger[level]({ kind: event.kind, standby: event.kind === 'message' ? event.standby : undefined, ...summary(event) }, 'messenger event recorded, not answered');
      return;
    }
    const { accountId, externalUserId } = event.message;
    const profile = options.fetchProfiles === false ? null : await profiles.get(accountId, externalUserId);
    await h.ingest(profile ? { ...event.message, profile } : event.message);
  };

  const webhook = (h: ChannelHost) => (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = verifySignature(raw, req.headers, config.appSecret);
    if (!signature.ok) {
      h.logger.warn({ reason: signature.reason }, 'messenger webhook rejected: bad signature (check MESSENGER_APP_SECRET)');
      return void res.status(401).json({ error: { code: 'GW_ERR_SIGNATURE_INVALID', message: `signature ${signature.reason}` } });
    }
    let events: ParsedEvent[];
    try {
      events = parseWebhook(JSON.parse(raw.toString('utf8')), { receivedAt: now(), appId: config.appId });
    } catch (err) {
      h.logger.warn({ err: describe(err) }, 'messenger webhook rejected: not a Page webhook');
      return void res.status(400).json({ error: { code: 'GW_ERR_VALIDATION', message: 'not a Messenger Page webhook' } });
    }
    res.status(200).type('text/plain').send('EVENT_RECEIVED');
    for (const event of events) {
      const key = event.kind === 'message' ? `${event.message.accountId}:${event.message.externalUserId}` : event.kind === 'ignored' ? 'ignored' : `${event.origin.accountId}:${event.origin.externalUserId}`;
      queue.run(key, () => handle(h, event)).catch((err) => h.logger.error({ err: describe(err), ...summary(event) }, 'messenger event not processed'));
    }
  };

  return {
    id: 'messenger',
    capabilities: messengerCapabilities,

    mount(h: ChannelHost) {
      host = h;
      const router = express.Router();
      router.get(WEBHOOK_PATH, (req, res) => {
        const result = verifySubscription(req.query as Record<string, unknown>, config.verifyToken);
        if (result.status !== 200) h.logger.warn('messenger subscription handshake refused (check MESSENGER_VERIFY_TOKEN)');
        res.status(result.status).type('text/plain').send(result.body);
      });
      router.post(WEBHOOK_PATH, express.raw({ type: '*/*', limit: '1mb' }), webhook(h));
      h.router.use(router);
    },

    send: (message: OutboundMessage): Promise<SendResult> => sender.send(message),

    // Typing and read marks are courtesies: a failure (e.g. outside the window) is logged, never raised.
    async typing(address, _conversationId, typing) {
      await sender.typing(address, typing).catch((err) => host?.logger.debug({ err: describe(err) }, 'messenger typing indicator not sent'));
    },

    async markRead(address) {
      await sender.markSeen(address).catch((err) => host?.logger.debug({ err: describe(err) }, 'messenger mark_seen not sent'));
    },

    async replyWindow(_address, lastInboundAt, at): Promise<ReplyWindow> {
      const d = decideWindow({ lastInboundAt, now: at, senderType: 'agent', humanAgentGranted: config.humanAgent });
      if (!d.allowed) return { canReply: false, closesAt: null, freeRepliesLeft: null, note: d.reason };
      const tagged = d.messagingType === 'MESSAGE_TAG';
      const closesAt = new Date(lastInboundAt!.getTime() + (tagged ? HUMAN_AGENT_WINDOW_MS : STANDARD_WINDOW_MS));
      // ref: https://developers.facebook.com/docs/messenger-platform/policy/policy-overview (24 h; HUMAN_AGENT up to 7 days)
      return { canReply: true, closesAt, freeRepliesLeft: null, note: tagged ? 'Messenger: outside 24 h — replies go with the HUMAN_AGENT tag (up to 7 days)' : 'Messenger: inside the 24-hour window' };
    },

    close: () => queue.drain(),
  };
}

/** Log-safe: coded errors as their JSON (never carries tokens), others as their message. */
function describe(err: unknown): unknown {
  return isGatewayError(err) ? err.toJSON() : String((err as Error)?.message ?? err);
}

function summary(event: ParsedEvent): Record<string, unknown> {
  switch (event.kind) {
    case 'message':
      return { accountId: event.message.accountId, externalId: event.message.externalId };
    case 'ignored':
      return { reason: event.reason };
    case 'echo':
      return { accountId: event.origin.accountId, externalId: event.externalId, ours: event.ours, outboundMessageId: event.outboundMessageId };
    default:
      return { accountId: event.origin.accountId };
  }
}
