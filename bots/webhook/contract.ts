import { z } from 'zod';
import { messageContentSchema } from '../../src/core/message';
import type { BotDecision } from '../../src/core/bot';

/**
 * The webhook bot contract (documented in README.md). The gateway POSTs a turn; the bot
 * answers with a decision in the response, or with 202 and later POSTs the decision to
 * `/api/v1/bot/decisions`. Both directions are signed with the inbox's bot secret.
 */
export const externalDecisionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('reply'),
    messages: z.array(messageContentSchema).min(1).max(5),
    /** Which answer this was, for reports (e.g. the bot's own intent id). */
    ref: z.string().max(100).optional(),
    confidence: z.number().min(0).max(1).optional(),
    state: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({
    type: z.literal('handoff'),
    reason: z.enum(['requested', 'low_confidence', 'negative_feedback', 'rule']),
    messages: z.array(messageContentSchema).max(5).optional(),
  }),
  z.object({ type: z.literal('resolve'), messages: z.array(messageContentSchema).max(5).optional() }),
  z.object({ type: z.literal('none'), state: z.record(z.string(), z.unknown()).optional() }),
]);
export type ExternalDecision = z.infer<typeof externalDecisionSchema>;

export const lateDecisionSchema = z.object({
  conversationId: z.number().int().positive(),
  question: z.string().max(5000).default(''),
  decision: externalDecisionSchema,
});

export function toBotDecision(d: ExternalDecision, previousState: Record<string, unknown>): BotDecision {
  switch (d.type) {
    case 'reply':
      return { type: 'answer', faqId: `webhook:${d.ref ?? 'reply'}`, confidence: d.confidence ?? 1, content: d.messages, state: d.state ?? previousState };
    case 'handoff':
      return { type: 'handoff', reason: d.reason, content: d.messages ?? [], state: {} };
    case 'resolve':
      return { type: 'resolve', content: d.messages ?? [], state: {} };
    case 'none':
      return { type: 'none', state: d.state ?? previousState };
  }
}

export interface WebhookTurnPayload {
  event: 'message.received';
  deliveryId: string;
  conversation: { id: number; inboxId: number; channel: string };
  message: { text: string; content: unknown };
  state: Record<string, unknown>;
  capabilities: { quickReplies: number | false; images: boolean; maxTextLength: number };
  lang: 'vi' | 'en';
}
