import axios from 'axios';
import type { OutboundMessage, SendResult } from '../../src/core/channel';
import { systemClock, type Clock } from '../../src/core/clock';
import { GatewayError, isGatewayError } from '../../src/core/errors';
import type { ZaloConfig } from './config';
import type { UploadInput, ZaloApi } from './oa-api';
import { InMemoryReplyCounter, type ReplyCounter } from './reply-counter';
import { MAX_FILE_BYTES, renderContent, renderPromotion, splitText, type OutboundPart } from './render';
import { inPromotionHours, ZALO_NIGHT } from './campaign-window';
import type { AccessTokenSource } from './tokens';
import type { ZaloCsMessage, ZaloCsRequest } from './types';
import { evaluateWindow, type WindowDecision } from './window';
import { withAccessToken } from './with-token';
import { createZaloRateLimiter, type ZaloRateLimiter } from './rate-limit';

/**
 * OutboundMessage → Zalo CS messages (`POST /v3.0/oa/message/cs`).
 *
 * 1. The window rule runs BEFORE any HTTP call: over 7 days since the user's last message →
 *    GW_ERR_MESSAGING_WINDOW_CLOSED with the reason, nothing sent (window.ts).
 * 2. Within 48 h, replies go to `recipient.message_id` = `replyToExternalId` (a reply, counted
 *    against the 8 free replies); otherwise to `recipient.user_id`. ref: channels.md §2.5/§2.6 [Z6]
 * 3. −216 / −220 → one refresh, one retry (with-token.ts); other errors are mapped by errors.ts and
 *    the outbox decides on retries (`retryable`).
 * 4. A campaign message (`purpose: 'campaign'`) goes as ONE promotion (`POST /v3.0/oa/message/promotion`,
 *    render.ts `renderPromotion`) to `recipient.user_id`: no CS window, no free-reply count; refused
 *    before the call between 22:00 and 06:00 Vietnam time (Zalo would answer −234). Non-followers
 *    answer −213 → a permanent "not a follower" failure (errors.ts). ref: channels.md §2.6
 * 5. A message rendered as several parts (long text) remembers, in this process, how many parts
 *    went out, so a retry after a retryable failure resumes instead of re-sending the first parts.
 *    Zalo has no idempotency key. The result's externalId is the FIRST part's `message_id`.
 */

export interface ZaloSenderDeps {
  api: ZaloApi;
  tokens: AccessTokenSource;
  config: Pick<ZaloConfig, 'oaId'>;
  clock?: Clock;
  replies?: ReplyCounter;
  /** Downloads an outbound file before its upload; null when over Zalo's 5 MB (then it goes as a link). Default: axios GET. */
  fetchFile?: (url: string, name: string) => Promise<UploadInput | null>;
  /** Called with each window decision (e.g. to log or count charged messages). */
  onWindow?: (decision: WindowDecision, message: OutboundMessage) => void;
  /** Pacing per OA, shared across nodes; default a private one. */
  rateLimiter?: ZaloRateLimiter;
}

export interface ZaloSender {
  send(message: OutboundMessage): Promise<SendResult>;
}

interface Progress {
  done: number;
  firstId: string | null;
}

const MAX_PROGRESS_ENTRIES = 1000;

export function createZaloSender(deps: ZaloSenderDeps): ZaloSender {
  const clock = deps.clock ?? systemClock;
  const replies = deps.replies ?? new InMemoryReplyCounter();
  const fetchFile = deps.fetchFile ?? downloadFile;
  const progress = new Map<number, Progress>();
  const limiter = deps.rateLimiter ?? createZaloRateLimiter();

  /** Every OA API call is paced; Zalo's −32 holds the OA back on every node. */
  const paced = async <T>(oaId: string, call: () => Promise<T>): Promise<T> => {
    await limiter.acquire(oaId);
    try {
      return await call();
    } catch (err) {
      if (isGatewayError(err) && (err.details as { zaloCode?: number } | undefined)?.zaloCode === -32) await limiter.backOff(oaId);
      throw err;
    }
  };

  const sendPart = async (message: OutboundMessage, recipient: ZaloCsRequest['recipient'], part: OutboundPart): Promise<string> => {
    const oaId = message.address.accountId;
    const body: ZaloCsRequest = { recipient, message: await materialize(oaId, part) };
    const { messageId } = await paced(oaId, () => withAccessToken(deps.tokens, (token) => deps.api.sendCs(token, body)));
    await replies.record(message.address.accountId, message.address.externalUserId, message.lastInboundAt);
    return messageId;
  };

  const materialize = async (oaId: string, part: OutboundPart): Promise<ZaloCsMessage> => {
    if (part.kind === 'message') return part.message;
    const file = await fetchFile(part.url, part.name);
    if (!file || file.data.length > MAX_FILE_BYTES) return { text: splitText(part.fallbackText)[0] ?? part.url };
    const token = await paced(oaId, () => withAccessToken(deps.tokens, (t) => deps.api.uploadFile(t, file)));
    return { attachment: { type: 'file', payload: { token } } };
  };

  const sendPromotion = async (message: OutboundMessage): Promise<SendResult> => {
    const { address } = message;
    // Checked here too: a recipient queued at 21:59 may reach the outbox after 22:00.
    if (!inPromotionHours(clock.now())) throw new GatewayError('GW_ERR_MESSAGING_WINDOW_CLOSED', ZALO_NIGHT, { channel: 'zalo', promotion: 'night' });
    const body = { recipient: { user_id: address.externalUserId }, message: { attachment: renderPromotion(message.content) } };
    const { messageId } = await paced(address.accountId, () => withAccessToken(deps.tokens, (token) => deps.api.sendPromotion(token, body)));
    return { externalId: messageId, status: 'sent' };
  };

  return {
    async send(message) {
      const { address } = message;
      if (address.channel !== 'zalo' || address.accountId !== deps.config.oaId) {
        throw new GatewayError('GW_ERR_VALIDATION', `Zalo: this sender serves OA ${deps.config.oaId}, not ${address.channel}/${address.accountId}`);
      }
      if (message.purpose === 'campaign') return sendPromotion(message);
      const sent = await replies.count(address.accountId, address.externalUserId, message.lastInboundAt);
      const decision = evaluateWindow({ lastInboundAt: message.lastInboundAt, oaMessagesSinceLastInbound: sent, now: clock.now() });
      deps.onWindow?.(decision, message);
      if (!decision.allowed) {
        throw new GatewayError('GW_ERR_MESSAGING_WINDOW_CLOSED', decision.reason ?? 'Zalo: messaging window closed', {
          channel: 'zalo',
          lastInboundAt: message.lastInboundAt?.toISOString() ?? null,
        });
      }
      const recipient: ZaloCsRequest['recipient'] =
        decision.replyByMessageId && message.replyToExternalId ? { message_id: message.replyToExternalId } : { user_id: address.externalUserId };

      const parts = renderContent(message.content);
      if (parts.length === 0) throw new GatewayError('GW_ERR_CONTENT_UNSUPPORTED', `Zalo: nothing to send for a ${message.content.type} message`);
      const state = progress.get(message.messageId) ?? { done: 0, firstId: null };
      try {
        for (let i = state.done; i < parts.length; i++) {
          const id = await sendPart(message, recipient, parts[i] as OutboundPart);
          state.firstId ??= id;
          state.done = i + 1;
        }
      } catch (err) {
        const resumable = state.done > 0 && isGatewayError(err) && err.retryable;
        if (resumable) remember(progress, message.messageId, state);
        else progress.delete(message.messageId);
        throw err;
      }
      progress.delete(message.messageId);
      return { externalId: state.firstId, status: 'sent' };
    },
  };
}

function remember(progress: Map<number, Progress>, messageId: number, state: Progress): void {
  progress.set(messageId, state);
  if (progress.size > MAX_PROGRESS_ENTRIES) {
    const oldest = progress.keys().next().value;
    if (oldest !== undefined) progress.delete(oldest);
  }
}

async function downloadFile(url: string, name: string): Promise<UploadInput | null> {
  try {
    const res = await axios.get<ArrayBuffer>(url, { responseType: 'arraybuffer', timeout: 30_000, maxContentLength: MAX_FILE_BYTES });
    const type = res.headers['content-type'];
    return { data: Buffer.from(res.data), filename: name, mimeType: typeof type === 'string' ? type : 'application/octet-stream' };
  } catch (err) {
    if (axios.isAxiosError(err) && /maxContentLength/i.test(err.message)) return null;
    throw new GatewayError('GW_ERR_CHANNEL_TRANSIENT', `Zalo: could not download the file to upload (${name})`, { channel: 'zalo' });
  }
}
