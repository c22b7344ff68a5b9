import express, { type Request, type Response } from 'express';
import type { ReplyWindow, ChannelAdapter, ChannelHost, OutboundMessage, SendResult } from '../../src/core/channel';
import { isGatewayError } from '../../src/core/errors';
import { KeyedSerialQueue } from '../../src/core/keyed-queue';
import { contactKeyOf, type ParsedEvent } from '../../src/core/message';
import { allEvents } from '../../src/pipeline/inbound-journal';
import { uploadIdOf } from '../../src/uploads/upload-store';
import type { MessengerConfig } from './config';
import { createGraphApi, type GraphApi } from './graph-api';
import { parseWebhook } from './parse';
import { createProfileFetcher } from './profile';
import { PageDirectory, type PageStore } from './pages';
import { createSendRateLimiter, type SendRateLimiter } from './rate-limit';
import { messengerCapabilities } from './render';
import { createMessengerSender } from './send';
import { verifySignature, verifySubscription } from './verify';
import { decideWindow, HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS } from './window';
import { messengerCampaignWindow } from './campaign-window';

export { loadMessengerConfig, type MessengerConfig } from './config';

export const WEBHOOK_PATH = '/webhooks/messenger';
/** Meta batches up to 1,000 events per POST; real bodies stay far below this. A larger body gets 413. */
export const WEBHOOK_BODY_LIMIT = '1mb';

export interface MessengerChannelOptions {
  /** Injected for tests; by default an axios client for `config.graphUrl`. */
  graph?: GraphApi;
  rateLimiter?: SendRateLimiter;
  now?: () => Date;
  /** Look up contact names/pictures after their first message (default true). */
  fetchProfiles?: boolean;
  /** Pages added through the admin API (the database); without it only MESSENGER_PAGES. */
  pageStore?: PageStore;
}

export interface MessengerChannel extends ChannelAdapter {
  /** Page id → token, from MESSENGER_PAGES and the admin API. */
  readonly pages: PageDirectory;
  readonly graph: GraphApi;
}

/**
 * Facebook Messenger as a channel. The webhook edge is verify → store → ack → process:
 * the signature is checked over the raw bytes, the body parsed (pure) to refuse what is
 * not a Page webhook, stored by the core's inbound journal, and only then answered 200.
 * The core calls `processWebhook` right after (and again after a crash), which hands
 * events to the core one contact at a time, in order (different contacts in parallel).
 * Contact messages are ingested; standby messages (another app owns the thread) are stored
 * passive — recorded, never answered; echoes, receipts and profiles update what is stored;
 * reactions and handover changes are recorded in the journal and logged.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks
 */
export function createMessengerChannel(config: MessengerConfig, options: MessengerChannelOptions = {}): MessengerChannel {
  const graph = options.graph ?? createGraphApi({ graphUrl: config.graphUrl, apiVersion: config.apiVersion, appSecret: config.appSecret });
  const now = options.now ?? (() => new Date());
  const queue = new KeyedSerialQueue();
  const pages = new PageDirectory(config.pages, options.pageStore ?? null);
  let host: ChannelHost | null = null;
  const resolveUrl = (url: string) => {
    const id = uploadIdOf(url);
    return id && host ? host.uploads.signedUrl(host.publicUrl(), id) : url;
  };
  const rateLimiter = options.rateLimiter ?? createSendRateLimiter({ budget: () => host?.rateBudget ?? null });
  const sender = createMessengerSender({ graph, config, pages, rateLimiter, now, resolveUrl });
  const profiles = createProfileFetcher({ graph, pages, onError: (err, where) => host?.logger.debug({ err: describe(err), ...where }, 'messenger profile lookup failed') });

  /** Name and picture, after the message is stored: never holds the pipeline up. */
  const enrich = (h: ChannelHost, accountId: string, psid: string, at: Date) => {
    void profiles
      .get(accountId, psid)
      .then((profile) =>
        profile
          ? h.platformEvent({ kind: 'contact', origin: { channel: 'messenger', accountId, externalUserId: psid, at }, externalId: psid, profile, follower: null })
          : undefined,
      )
      .catch((err) => h.logger.debug({ err: describe(err) }, 'messenger profile not applied'));
  };

  const handle = async (h: ChannelHost, event: ParsedEvent): Promise<void> => {
    if (event.kind === 'echo' || event.kind === 'delivery' || event.kind === 'read' || event.kind === 'contact') {
      const result = await h.platformEvent(event);
      h.logger.debug({ kind: event.kind, result, ...summary(event) }, 'messenger platform event');
      return;
    }
    if (event.kind === 'message') {
      const result = await h.ingest(event.standby ? { ...event.message, passive: true } : event.message);
      if (result.stored && options.fetchProfiles !== false) enrich(h, event.message.accountId, event.message.externalUserId, event.message.sentAt);
      return;
    }
    // Reactions and handover changes are kept in the inbound journal; the log says what they were.
    h.logger[event.kind === 'ignored' ? 'debug' : 'info']({ kind: event.kind, ...summary(event) }, 'messenger event recorded');
  };

  const webhook = (h: ChannelHost) => async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = verifySignature(raw, req.headers, config.appSecret);
    if (!signature.ok) {
      h.logger.warn({ reason: signature.reason }, 'messenger webhook rejected: bad signature (check MESSENGER_APP_SECRET)');
      return void res.status(401).json({ error: { code: 'GW_ERR_SIGNATURE_INVALID', message: `signature ${signature.reason}` } });
    }
    const receivedAt = now();
    const body = raw.toString('utf8');
    try {
      parseWebhook(JSON.parse(body), { receivedAt, appId: config.appId });
    } catch (err) {
      h.logger.warn({ err: describe(err) }, 'messenger webhook rejected: not a Page webhook');
      return void res.status(400).json({ error: { code: 'GW_ERR_VALIDATION', message: 'not a Messenger Page webhook' } });
    }
    try {
      await h.accept(body, receivedAt);
    } catch (err) {
      // Not stored: Meta must retry, so it must not get a 200.
      h.logger.error({ err: describe(err) }, 'messenger webhook not stored');
      return void res.status(503).json({ error: { code: 'GW_ERR_UNAVAILABLE', message: 'try again later' } });
    }
    res.status(200).type('text/plain').send('EVENT_RECEIVED');
  };

  return {
    id: 'messenger',
    capabilities: messengerCapabilities,
    pages,
    graph,

    mount(h: ChannelHost) {
      host = h;
      const router = express.Router();
      router.get(WEBHOOK_PATH, (req, res) => {
        const result = verifySubscription(req.query as Record<string, unknown>, config.verifyToken);
        if (result.status !== 200) h.logger.warn('messenger subscription handshake refused (check MESSENGER_VERIFY_TOKEN)');
        res.status(result.status).type('text/plain').send(result.body);
      });
      // Per sending address, before the body is read; generous (RATE_LIMIT_DEFAULTS.webhook_ip): a 429 makes Meta retry.
      router.post(WEBHOOK_PATH, h.rateLimits.perIp('webhook_ip', 'too many webhook requests from this address'), express.raw({ type: '*/*', limit: WEBHOOK_BODY_LIMIT }), webhook(h));
      h.router.use(router);
    },

    // Events are queued synchronously, before any await: bodies keep their arrival order per contact.
    processWebhook(body, receivedAt) {
      const h = host;
      if (!h) return Promise.reject(new Error('messenger channel is not mounted'));
      const events = parseWebhook(JSON.parse(body), { receivedAt, appId: config.appId });
      return allEvents(events.map((event) => queue.run(contactKeyOf(event), () => handle(h, event))));
    },

    send: (message: OutboundMessage): Promise<SendResult> => sender.send(message),

    // Typing and read marks are courtesies: a failure (e.g. outside the window) is logged, never raised.
    async typing(address, _conversationId, typing) {
      await sender.typing(address, typing).catch((err) => host?.logger.debug({ err: describe(err) }, 'messenger typing indicator not sent'));
    },

    async markRead(address) {
      await sender.markSeen(address).catch((err) => host?.logger.debug({ err: describe(err) }, 'messenger mark_seen not sent'));
    },

    async replyWindow(_address, lastInboundAt, at, sender = 'agent'): Promise<ReplyWindow> {
      const d = decideWindow({ lastInboundAt, now: at, senderType: sender, humanAgentGranted: config.humanAgent });
      if (!d.allowed) return { canReply: false, closesAt: null, freeRepliesLeft: null, note: d.reason };
      const tagged = d.messagingType === 'MESSAGE_TAG';
      const closesAt = new Date(lastInboundAt!.getTime() + (tagged ? HUMAN_AGENT_WINDOW_MS : STANDARD_WINDOW_MS));
      // ref: https://developers.facebook.com/docs/messenger-platform/policy/policy-overview (24 h; HUMAN_AGENT up to 7 days)
      return { canReply: true, closesAt, freeRepliesLeft: null, note: tagged ? 'Messenger: outside 24 h — replies go with the HUMAN_AGENT tag (up to 7 days)' : 'Messenger: inside the 24-hour window' };
    },

    // Promotions only inside the 24-hour window (no message tag allows them): campaign-window.ts.
    campaignWindow: async (target, at) => messengerCampaignWindow(target, at),

    close: () => queue.drain(),
  };
}

/** One contact's events run in order; `ignored` items share one key (they do nothing). */
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
