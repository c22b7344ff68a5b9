import express, { type Router } from 'express';
import { GatewayError } from '../../src/core/errors';
import { formatIssues } from '../../src/core/message';
import type { BotDecision } from '../../src/core/bot';
import { lateDecisionSchema, toBotDecision } from './contract';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from './signature';
import type { WebhookBotTarget } from './webhook-bot';

export interface DecisionRouteDeps {
  /** The inbox of a conversation, if it exists. */
  inboxOf(conversationId: number): Promise<number | null>;
  targetOf(inboxId: number): Promise<WebhookBotTarget | null>;
  apply(conversationId: number, decision: BotDecision, question: string): Promise<boolean>;
}

/**
 * POST /api/v1/bot/decisions — an external bot's late decision, signed like the turns it
 * receives (with the inbox's bot secret). 409 when the conversation is no longer the
 * bot's (an agent took it over meanwhile).
 */
export function botDecisionRoute(deps: DecisionRouteDeps): Router {
  const r = express.Router();
  // The API's JSON parser keeps the exact bytes in req.rawBody (the signature covers them).
  r.post('/bot/decisions', async (req, res) => {
    // Per address, before any lookup; the API router lends its limits (this route counts on no other).
    if (!req.rateLimits) throw new GatewayError('GW_ERR_INTERNAL', 'bot decisions are served only under the API router');
    await req.rateLimits.get('bot_decision_ip').enforce(req.ip ?? 'unknown', 'too many bot decisions from this address; slow down');
    const raw = req.rawBody ?? Buffer.alloc(0);
    const parsed = lateDecisionSchema.safeParse(req.body);
    if (!parsed.success) throw new GatewayError('GW_ERR_VALIDATION', formatIssues(parsed.error));
    const inboxId = await deps.inboxOf(parsed.data.conversationId);
    const target = inboxId === null ? null : await deps.targetOf(inboxId);
    if (!target || !verify(target.secret, req.get(TIMESTAMP_HEADER), req.get(SIGNATURE_HEADER), raw)) {
      throw new GatewayError('GW_ERR_SIGNATURE_INVALID', 'bad or missing signature');
    }
    const applied = await deps.apply(parsed.data.conversationId, toBotDecision(parsed.data.decision, {}), parsed.data.question);
    if (!applied) throw new GatewayError('GW_ERR_INVALID_TRANSITION', 'the conversation is no longer handled by the bot');
    res.status(204).end();
  });
  return r;
}

/** This route's OpenAPI description (added by the composition root). */
export const botDecisionPaths = {
  '/bot/decisions': {
    post: {
      summary: "An external bot's late decision, signed with the inbox's bot secret (see bots/webhook/README.md)",
      tags: ['bots'],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['conversationId', 'decision'] } } } },
      responses: {
        '204': { description: 'applied' },
        '400': { description: 'invalid decision' },
        '401': { description: 'bad signature' },
        '409': { description: 'the conversation is no longer the bot’s' },
      },
    },
  },
};
