import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { Bot, BotDecision, BotTurn } from '../../src/core/bot';
import { externalDecisionSchema, toBotDecision, type WebhookTurnPayload } from './contract';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from './signature';

export interface WebhookBotTarget {
  url: string;
  secret: string;
}

/**
 * An external bot behind an HTTPS endpoint. Each contact message is POSTed, signed; a
 * 200 with a decision is applied at once, a 202 means the decision comes later through
 * the API. A bot that fails or times out must not leave the customer alone: the
 * conversation is handed to people (reason `rule`).
 */
export class WebhookBot implements Bot {
  readonly name = 'webhook';
  private readonly http: AxiosInstance;

  constructor(
    private readonly targetOf: (inboxId: number) => Promise<WebhookBotTarget | null>,
    private readonly logger: Logger,
    timeoutMs = 5000,
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
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const res = await this.http.post(target.url, body, {
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(target.secret, timestamp, body), [TIMESTAMP_HEADER]: String(timestamp), [DELIVERY_HEADER]: payload.deliveryId },
      });
      if (res.status === 202) return { type: 'none', state: turn.state };
      if (res.status !== 200) throw new Error(`bot answered HTTP ${res.status}`);
      const parsed = externalDecisionSchema.safeParse(res.data);
      if (!parsed.success) throw new Error(`bot answered an invalid decision: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return toBotDecision(parsed.data, turn.state);
    } catch (err) {
      this.logger.warn({ conversationId: turn.conversationId, err: (err as Error).message }, 'webhook bot failed; handing off');
      return { type: 'handoff', reason: 'rule', content: [], state: {} };
    }
  }
}
