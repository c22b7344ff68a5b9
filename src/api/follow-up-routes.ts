import express, { type Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { GatewayError } from '../core/errors';
import { MAX_TEXT_LENGTH } from '../core/message';
import { cancelFollowUp, followUpJson, followUpsOf, getFollowUp, scheduleFollowUp } from '../follow-ups/follow-up-store';
import type { Db } from '../store/unit-of-work';
import { loadVisibleConversation } from './access';
import { parse, type ApiRouter } from './api-router';
import type { PathItem } from './openapi';
import { rowIdParam } from './row-id';

const DAY_MS = 86_400_000;
/** The furthest a follow-up may be scheduled. */
export const MAX_FOLLOW_UP_DAYS = 365;

const idParam = z.object({ id: rowIdParam });
const scheduleBody = z
  .object({
    text: z.string().trim().min(1).max(MAX_TEXT_LENGTH),
    dueAt: z.iso.datetime({ offset: true }).optional(),
    afterDays: z.number().int().min(1).max(MAX_FOLLOW_UP_DAYS).optional(),
  })
  .strict()
  .refine((b) => (b.dueAt === undefined) !== (b.afterDays === undefined), 'give exactly one of dueAt and afterDays');

export interface FollowUpRouteDeps {
  db: Db;
  api: ApiRouter;
  clock: Clock;
}

/**
 * Follow-ups on a conversation (docs/contacts-campaigns-api.md, Follow-ups): whoever may see
 * the conversation (src/api/access.ts; others get 404) may schedule, list and cancel them.
 * The job in src/follow-ups/follow-up-job.ts sends them when due.
 */
export function followUpRoutes({ db, api, clock }: FollowUpRouteDeps): Router {
  const r = express.Router();
  const auth = api.requireAgent();

  r.post('/conversations/:id/follow-ups', auth, async (req, res) => {
    const agent = req.session!.agent;
    const conv = await loadVisibleConversation(db, agent, parse(idParam, req.params).id);
    const body = parse(scheduleBody, req.body);
    const now = clock.now();
    const dueAt = body.dueAt !== undefined ? new Date(body.dueAt) : new Date(now.getTime() + body.afterDays! * DAY_MS);
    if (dueAt.getTime() <= now.getTime()) throw new GatewayError('GW_ERR_VALIDATION', 'dueAt must be in the future');
    if (dueAt.getTime() > now.getTime() + MAX_FOLLOW_UP_DAYS * DAY_MS) throw new GatewayError('GW_ERR_VALIDATION', `dueAt must be within ${MAX_FOLLOW_UP_DAYS} days`);
    const row = await scheduleFollowUp(db, { conversationId: conv.id, agentId: agent.id, text: body.text, dueAt, now });
    res.status(201).json({ followUp: followUpJson(row) });
  });

  r.get('/conversations/:id/follow-ups', auth, async (req, res) => {
    const conv = await loadVisibleConversation(db, req.session!.agent, parse(idParam, req.params).id);
    res.json({ followUps: (await followUpsOf(db, conv.id)).map(followUpJson) });
  });

  r.delete('/follow-ups/:id', auth, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const row = await getFollowUp(db, id);
    if (!row) throw new GatewayError('GW_ERR_NOT_FOUND', 'follow-up not found');
    await loadVisibleConversation(db, req.session!.agent, row.conversation_id).catch(() => {
      throw new GatewayError('GW_ERR_NOT_FOUND', 'follow-up not found');
    });
    if (row.status !== 'cancelled' && !(await cancelFollowUp(db, id, clock.now()))) {
      const now = await getFollowUp(db, id);
      if (now?.status !== 'cancelled') throw new GatewayError('GW_ERR_CONFLICT', `this follow-up is already ${now?.status ?? row.status}`);
    }
    res.status(204).end();
  });

  return r;
}

const err = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const errors = { '400': err('invalid input'), '401': err('not signed in'), '404': err('not found or not yours') };
const idPath = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const followUpSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    conversationId: { type: 'integer' },
    agentId: { type: ['integer', 'null'] },
    text: { type: 'string' },
    dueAt: { type: 'string', format: 'date-time' },
    status: { enum: ['scheduled', 'sent', 'blocked', 'cancelled'] },
    reason: { type: ['string', 'null'] },
    messageId: { type: ['integer', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

export const followUpPaths: Record<string, PathItem> = {
  '/conversations/{id}/follow-ups': {
    get: { summary: "The conversation's follow-ups, by due time", tags: ['follow-ups'], parameters: [idPath], responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { followUps: { type: 'array', items: followUpSchema } } } } } }, ...errors } },
    post: {
      summary: 'Schedule a follow-up message: sent at dueAt through the outbox if the channel allows an agent message then, otherwise blocked (private note + followup:blocked to the agent)',
      tags: ['follow-ups'],
      parameters: [idPath],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['text'], properties: { text: { type: 'string' }, dueAt: { type: 'string', format: 'date-time' }, afterDays: { type: 'integer', minimum: 1, maximum: MAX_FOLLOW_UP_DAYS } } } } } },
      responses: { '201': { description: 'Scheduled', content: { 'application/json': { schema: { type: 'object', properties: { followUp: followUpSchema } } } } }, ...errors },
    },
  },
  '/follow-ups/{id}': {
    delete: { summary: 'Cancel a scheduled follow-up (204; again on a cancelled one)', tags: ['follow-ups'], parameters: [idPath], responses: { '204': { description: 'Cancelled' }, '409': err('already sent or blocked'), ...errors } },
  },
};
