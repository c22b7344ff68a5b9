import express, { type Router } from 'express';
import { z } from 'zod';
import { rowId, rowIdParam } from '../../src/api/row-id';
import { GatewayError } from '../../src/core/errors';
import { parse, type ApiRouter } from '../../src/api/api-router';
import { seesAll } from '../../src/api/access';
import type { AgentView } from '../../src/api/auth-service';
import type { PathItem } from '../../src/api/openapi';
import type { Db } from '../../src/store/unit-of-work';
import type { FaqBot, StoredFaqEntry } from './faq-bot';
import { allEntries, importEntries, toEntry, upsertEntry } from './faq-store';
import { parseFaqFile, serializeFaq } from './faq-files';

const entryBody = z.object({
  id: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, . _ - only').optional(),
  question: z.string().trim().min(1).max(1000),
  variants: z.array(z.string().trim().min(1).max(1000)).max(50).default([]),
  answer: z.string().trim().min(1).max(5000),
  lang: z.enum(['vi', 'en']).default('vi'),
  inboxId: rowId.nullable().default(null),
});
/** A patch: only what is given changes (no defaults, unlike entryBody). */
const patchBody = z
  .object({
    question: z.string().trim().min(1).max(1000),
    variants: z.array(z.string().trim().min(1).max(1000)).max(50),
    answer: z.string().trim().min(1).max(5000),
    lang: z.enum(['vi', 'en']),
    inboxId: rowId.nullable(),
  })
  .partial();
const idParam = z.object({ id: z.string().min(1).max(100) });
const importQuery = z.object({ inbox: rowIdParam.nullable().default(null), format: z.enum(['csv', 'json']).optional() });

/** An entry's inbox must exist (a 400 naming it, rather than the foreign key's error). */
async function assertInbox(db: Db, inboxId: number | null): Promise<void> {
  if (inboxId === null) return;
  if (!(await db.selectFrom('inboxes').select('id').where('id', '=', inboxId).executeTakeFirst())) throw new GatewayError('GW_ERR_VALIDATION', `no inbox ${inboxId}`);
}

async function memberInboxIds(db: Db, agentId: number): Promise<number[]> {
  return (await db.selectFrom('inbox_members').select('inbox_id').where('agent_id', '=', agentId).execute()).map((m) => m.inbox_id);
}

/**
 * The FAQ knowledge base over the API: everyone signed in reads it, admins edit it
 * (each edit updates the bot's index at once), import/export as JSON or CSV (all or
 * nothing, errors name the line or entry), and the questions the bot could not answer.
 */
export function faqAdminRoutes(db: Db, api: ApiRouter, bot: FaqBot): Router {
  const r = express.Router();
  const anyAgent = api.requireAgent();
  const admin = api.requireAgent('admin');

  // An agent reads the entries for every inbox and those of its own inboxes (src/api/access.ts).
  const visibleEntries = async (agent: AgentView) => allEntries(db, seesAll(agent) ? null : await memberInboxIds(db, agent.id));

  r.get('/faq', anyAgent, async (req, res) => {
    res.json({ items: await visibleEntries(req.session!.agent) });
  });

  r.post('/faq', admin, async (req, res) => {
    const b = parse(entryBody, req.body);
    await assertInbox(db, b.inboxId);
    const id = b.id ?? slug(b.question);
    if (await db.selectFrom('faq_entries').select('id').where('id', '=', id).executeTakeFirst()) throw new GatewayError('GW_ERR_VALIDATION', `an entry with id "${id}" exists`);
    const saved = await upsertEntry(db, { ...b, id });
    await bot.upserted(saved);
    res.status(201).json(saved);
  });

  r.patch('/faq/:id', admin, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const row = await db.selectFrom('faq_entries').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new GatewayError('GW_ERR_NOT_FOUND', 'FAQ entry not found');
    const patch = parse(patchBody, req.body);
    await assertInbox(db, patch.inboxId ?? null);
    const current = toEntry(row);
    const next: StoredFaqEntry = {
      ...current,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    } as StoredFaqEntry;
    const saved = await upsertEntry(db, next);
    await bot.upserted(saved);
    res.json(saved);
  });

  r.delete('/faq/:id', admin, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const gone = await db.deleteFrom('faq_entries').where('id', '=', id).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw new GatewayError('GW_ERR_NOT_FOUND', 'FAQ entry not found');
    await bot.removed(id);
    res.status(204).end();
  });

  r.post('/faq/import', admin, express.text({ type: ['text/csv', 'text/plain'], limit: '2mb' }), async (req, res) => {
    const text = typeof req.body === 'string' ? req.body : req.rawBody?.toString('utf8') ?? '';
    const format = req.is('text/csv') || req.query.format === 'csv' ? 'csv' : 'json';
    const { inbox: inboxId } = parse(importQuery, req.query);
    await assertInbox(db, inboxId);
    const entries = parseFaqFile(text, format).map((e) => ({ ...e, inboxId }));
    const imported = await importEntries(db, entries);
    bot.reset();
    res.json({ imported });
  });

  r.get('/faq/export', anyAgent, async (req, res) => {
    const format = req.query.format === 'csv' ? 'csv' : 'json';
    const body = serializeFaq(await visibleEntries(req.session!.agent), format);
    res.setHeader('Content-Disposition', `attachment; filename="faq.${format}"`);
    res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json').send(body);
  });

  r.get('/faq/unanswered', api.requireAgent('admin', 'supervisor'), async (_req, res) => {
    const rows = await db
      .selectFrom('bot_decisions')
      .select(['question', 'action', 'reason', 'at', 'conversation_id', 'confidence'])
      .where('action', '=', 'handoff')
      .where('reason', 'in', ['low_confidence', 'negative_feedback'])
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
    res.json({ items: rows.map((d) => ({ question: d.question, action: d.action, reason: d.reason, at: d.at.toISOString(), conversationId: d.conversation_id })) });
  });

  return r;
}

function slug(question: string): string {
  const base = question
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `${base || 'faq'}-${Math.random().toString(36).slice(2, 6)}`;
}

const entrySchemaRef = { type: 'object', properties: { id: { type: 'string' }, question: { type: 'string' }, variants: { type: 'array', items: { type: 'string' } }, answer: { type: 'string' }, lang: { enum: ['vi', 'en'] }, inboxId: { type: ['integer', 'null'] } } };
const errors = { '400': { description: 'invalid input (names the line or entry for imports)' }, '401': { description: 'not signed in' }, '403': { description: 'requires the admin role' } };

/** These routes' OpenAPI description. */
export const faqPaths: Record<string, PathItem> = {
  '/faq': {
    get: { summary: 'FAQ entries', tags: ['faq'], responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: entrySchemaRef } } } } } }, '401': errors['401'] } },
    post: { summary: 'Add an FAQ entry', tags: ['faq'], requestBody: { required: true, content: { 'application/json': { schema: entrySchemaRef } } }, responses: { '201': { description: 'created' }, ...errors } },
  },
  '/faq/{id}': {
    patch: { summary: 'Change an FAQ entry', tags: ['faq'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'OK' }, '404': { description: 'not found' }, ...errors } },
    delete: { summary: 'Delete an FAQ entry', tags: ['faq'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '204': { description: 'deleted' }, '404': { description: 'not found' }, ...errors } },
  },
  '/faq/import': {
    post: {
      summary: 'Import entries from a JSON (application/json) or CSV (text/csv: id,question,variants,answer,lang; variants separated by |) file; all or nothing',
      tags: ['faq'],
      parameters: [{ name: 'inbox', in: 'query', schema: { type: 'integer' } }],
      responses: { '200': { description: '{imported}' }, ...errors },
    },
  },
  '/faq/export': { get: { summary: 'Export every entry', tags: ['faq'], parameters: [{ name: 'format', in: 'query', schema: { enum: ['json', 'csv'] } }], responses: { '200': { description: 'the file' }, '401': errors['401'] } } },
  '/faq/unanswered': { get: { summary: 'Questions the bot handed off for low confidence or a "no"', tags: ['faq'], responses: { '200': { description: 'OK' }, '401': errors['401'], '403': { description: 'supervisors and admins only' } } } },
};
