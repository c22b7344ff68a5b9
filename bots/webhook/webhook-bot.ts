import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { Bot, BotDecision, BotTurn } from '../../src/core/bot';
import { externalDecisionSchema, toBotDecision, type ExternalDecision, type WebhookTurnPayload } from './contract';
import { ATTEMPT_HEADER, DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from './signature';

export interface WebhookBotTarget {
  url: string;
  secret: string;
}

/**
 * An external bot behind an HTTPS endpoint. Each contact message is POSTed, signed; a
 * 200 with a decision is applied at once, a 202 means the decision comes later through
 * the API. A bot that fails or times out must not leave the customer alone: the
 * conversation is handed to people (reason `rule`).
 *
 * Deliveries are retried (after `retryDelaysMs`) when the bot could not take them: no
 * connection, a reset, HTTP 408, 429 or 5xx. Every attempt carries the same delivery id
 * (`X-Omnigate-Delivery`, `deliveryId` in the body) so the bot can drop one it already
 * handled, and is signed afresh (new timestamp). A timeout is not retried: the bot may be
 * working on it, and the customer has waited long enough.
 */
export class WebhookBot implements Bot {
  readonly name = 'webhook';
  private readonly http: AxiosInstance;

  constructor(
    private readonly targetOf: (inboxId: number) => Promise<WebhookBotTarget | null>,
    private readonly logger: Logger,
    timeoutMs = 5000,
    private readonly retryDelaysMs: readonly number[] = [250, 1000],
  ) {
    this.http = axios.create({ timeout: timeoutMs, maxRedirects: 0, validateStatus: () => true });
  }

  async decide(turn: BotTurn): Promise<BotDecision> {
    const target = await this.targetOf(turn.inboxId);
    if (!target) return { type: 'none', state: turn.state };
    const payload: WebhookTurnPayload = {
      event: 'message.received',
      deliveryId: randomUUID(),
      conversation: { id: turn.conversationId, inboxId: turn.inboxId, channel: turn.channel },
      message: { text: turn.text, content: turn.content },
      state: turn.state,
      capabilities: { quickReplies: turn.capabilities.quickReplies, images: turn.capabilities.images, maxTextLength: turn.capabilities.maxTextLength },
      lang: turn.lang,
    };
    const body = JSON.stringify(payload);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.deliver(target, body, payload.deliveryId, attempt);
      if (outcome.decided) return outcome.decided === 'later' ? { type: 'none', state: turn.state } : toBotDecision(outcome.decided, turn.state);
      const delay = this.retryDelaysMs[attempt - 1];
      if (!outcome.retryable || delay === undefined) {
        this.logger.warn({ conversationId: turn.conversationId, deliveryId: payload.deliveryId, attempts: attempt, err: outcome.problem }, 'webhook bot failed; handing off');
        return { type: 'handoff', reason: 'rule', content: [], state: {} };
      }
      this.logger.debug({ conversationId: turn.conversationId, deliveryId: payload.deliveryId, attempt, err: outcome.problem }, 'webhook bot delivery failed; retrying');
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** One signed POST: the bot's decision ('later' for a 202), or why not and whether another attempt may help. */
  private async deliver(target: WebhookBotTarget, body: string, deliveryId: string, attempt: number): Promise<{ decided: ExternalDecision | 'later'; retryable?: never; problem?: never } | { decided?: never; retryable: boolean; problem: string }> {
    const timestamp = Math.floor(Date.now() / 1000);
    let res;
    try {
      res = await this.http.post(target.url, body, {
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: sign(target.secret, timestamp, body),
          [TIMESTAMP_HEADER]: String(timestamp),
          [DELIVERY_HEADER]: deliveryId,
          [ATTEMPT_HEADER]: String(attempt),
        },
      });
    } catch (err) {
      const timedOut = axios.isAxiosError(err) && (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT');
      return { retryable: !timedOut, problem: timedOut ? 'bot did not answer in time' : `bot unreachable: ${(err as Error).message}` };
    }
    if (res.status === 202) return { decided: 'later' };
    if (res.status !== 200) return { retryable: res.status === 408 || res.status === 429 || res.status >= 500, problem: `bot answered HTTP ${res.status}` };
    const parsed = externalDecisionSchema.safeParse(res.data);
    if (!parsed.success) return { retryable: false, problem: `bot answered an invalid decision: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    return { decided: parsed.data };
  }
}
