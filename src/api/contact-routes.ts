import express, { type Router } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { GatewayError } from '../core/errors';
import type { Db } from '../store/unit-of-work';
import { parse, type ApiRouter } from './api-router';
import { seesAll } from './access';
import { rowId, rowIdParam } from './row-id';
import { loadVisibleContact } from '../contacts/contact-access';
import { contactPatchSchema, editContact } from '../contacts/contact-edit';
import { searchContacts } from '../contacts/contact-search';
import { contactView, contactViews, type ContactView } from '../contacts/contact-view';
import { exportContactsCsv } from '../contacts/csv-export';
import { importContactsCsv } from '../contacts/csv-import';
import { mergeContacts, undoMerge, type ContactMergeRow } from '../contacts/merge';
import { suggestedPairs, suggestionsFor } from '../contacts/merge-suggestions';
import { contactTimeline } from '../contacts/timeline';

const idParam = z.object({ id: rowIdParam });
const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const listQuery = z.object({
  q: z.string().max(200).optional(),
  label: z.string().max(64).optional(),
  channel: z.enum(['widget', 'messenger', 'zalo']).optional(),
  limit: limit(200, 50),
  cursor: z.string().max(500).optional(),
});
const timelineQuery = z.object({ before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(), limit: limit(200, 50) });
const mergeBody = z.object({ otherId: rowId });
/** An import is 10,000 rows at most; 5 MB is room for them with long notes. */
const IMPORT_BYTES = '5mb';

/**
 * The contacts API (docs/contacts-campaigns-api.md): the list and search, a contact with its
 * identities, conversations and merges, its timeline across channels, edits, merge
 * suggestions, merges and their undo, CSV import and export. Agents work on the contacts of
 * their inboxes (others are "not found"); import and export are for supervisors and admins.
 */
export function contactRoutes(db: Db, api: ApiRouter, clock: Clock): Router {
  const r = express.Router();
  const anyAgent = api.requireAgent();
  const supervisors = api.requireAgent('supervisor', 'admin');

  r.get('/contacts', anyAgent, async (req, res) => {
    const q = parse(listQuery, req.query);
    const page = await searchContacts(db, req.session!.agent, q);
    res.json({ contacts: await contactViews(db, page.ids), nextCursor: page.nextCursor });
  });

  // Before /contacts/:id, which would take "export.csv" for an id.
  r.get('/contacts/export.csv', supervisors, async (_req, res) => {
    res.type('text/csv; charset=utf-8').attachment(`omnigate-contacts-${clock.now().toISOString().slice(0, 10)}.csv`);
    try {
      for await (const chunk of exportContactsCsv(db)) res.write(chunk);
      res.end();
    } catch (err) {
      // Once the first rows left, a JSON error cannot follow them: the cut connection says the file is incomplete.
      if (!res.headersSent) throw err;
      res.destroy(err as Error);
    }
  });

  r.post('/contacts/import', supervisors, express.text({ type: ['text/csv', 'application/csv', 'text/plain'], limit: IMPORT_BYTES }), async (req, res) => {
    if (typeof req.body !== 'string') throw new GatewayError('GW_ERR_VALIDATION', 'send the file as the body with Content-Type: text/csv');
    res.json(await importContactsCsv(db, req.body, clock.now()));
  });

  r.get('/contact-merge-suggestions', anyAgent, async (req, res) => {
    const { limit: n } = parse(z.object({ limit: limit(200, 50) }), req.query);
    const pairs = await suggestedPairs(db, n, req.session!.agent);
    const views = byId(await contactViews(db, pairs.flatMap((p) => [p.a, p.b])));
    res.json({ suggestions: pairs.map((p) => ({ a: views.get(p.a), b: views.get(p.b), reasons: p.reasons })) });
  });

  r.post('/contact-merges/:id/undo', anyAgent, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const agent = req.session!.agent;
    const merge = await db.selectFrom('contact_merges').select(['survivor_id', 'merged_id']).where('id', '=', id).executeTakeFirst();
    if (!merge) throw new GatewayError('GW_ERR_NOT_FOUND', 'merge not found');
    await loadVisibleContact(db, agent, merge.survivor_id).catch(notFound('merge not found'));
    await db.transaction().execute((trx) => undoMerge(trx, id, { agentId: agent.id, now: clock.now() }));
    res.json({ contact: await contactView(db, merge.survivor_id), restored: await contactView(db, merge.merged_id) });
  });

  r.get('/contacts/:id', anyAgent, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const agent = req.session!.agent;
    await loadVisibleContact(db, agent, id);
    const contact = (await contactView(db, id))!;
    let conversations = db
      .selectFrom('conversations as c')
      .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
      .select(['c.id', 'c.inbox_id', 'i.name as inbox_name', 'i.channel', 'c.status', 'c.created_at', 'c.last_message_at'])
      .select(sql<string | null>`(select m.text from messages m where m.conversation_id = c.id and m.private = false order by m.id desc limit 1)`.as('last_text'))
      .where('c.contact_id', '=', id)
      .orderBy('c.id', 'desc');
    if (!seesAll(agent)) conversations = conversations.where('c.inbox_id', 'in', (eb) => eb.selectFrom('inbox_members').select('inbox_id').where('agent_id', '=', agent.id));
    const [convs, identities, merges] = await Promise.all([
      conversations.execute(),
      db
        .selectFrom('contact_identities as ci')
        .leftJoin('inboxes as i', (j) => j.onRef('i.channel', '=', 'ci.channel').onRef('i.account_id', '=', 'ci.account_id'))
        .select(['ci.id', 'ci.channel', 'ci.account_id', 'ci.external_id', 'ci.follower', 'i.id as inbox_id', 'i.name as inbox_name'])
        .where('ci.contact_id', '=', id)
        .orderBy('ci.id')
        .execute(),
      db.selectFrom('contact_merges').selectAll().where((eb) => eb.or([eb('survivor_id', '=', id), eb('merged_id', '=', id)])).orderBy('id', 'desc').execute(),
    ]);
    res.json({
      contact,
      identities: identities.map((i) => ({ id: i.id, channel: i.channel, accountId: i.account_id, externalId: i.external_id, inboxId: i.inbox_id, inboxName: i.inbox_name, follower: i.follower })),
      conversations: convs.map((c) => ({ id: c.id, inboxId: c.inbox_id, inboxName: c.inbox_name, channel: c.channel, status: c.status, createdAt: c.created_at.toISOString(), lastMessageAt: c.last_message_at?.toISOString() ?? null, lastMessageText: c.last_text })),
      merges: merges.map(mergeJson),
      // Deprecated: the contact panel of before issue #11 reads these at the top level.
      id: contact.id,
      name: contact.name,
      phone: contact.phone,
      email: contact.email,
      avatarUrl: contact.avatarUrl,
    });
  });

  r.patch('/contacts/:id', anyAgent, async (req, res) => {
    const { id } = parse(idParam, req.params);
    await loadVisibleContact(db, req.session!.agent, id);
    const patch = parse(contactPatchSchema, req.body);
    await db.transaction().execute((trx) => editContact(trx, id, patch, clock.now()));
    res.json({ contact: await contactView(db, id) });
  });

  r.get('/contacts/:id/timeline', anyAgent, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const agent = req.session!.agent;
    await loadVisibleContact(db, agent, id);
    const q = parse(timelineQuery, req.query);
    res.json(await contactTimeline(db, agent, id, q));
  });

  r.get('/contacts/:id/merge-suggestions', anyAgent, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const agent = req.session!.agent;
    await loadVisibleContact(db, agent, id);
    const found = await suggestionsFor(db, id, agent);
    const views = byId(await contactViews(db, found.map((s) => s.contactId)));
    res.json({ suggestions: found.map((s) => ({ contact: views.get(s.contactId), reasons: s.reasons })) });
  });

  r.post('/contacts/:id/merge', anyAgent, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const agent = req.session!.agent;
    await loadVisibleContact(db, agent, id);
    const { otherId } = parse(mergeBody, req.body);
    await loadVisibleContact(db, agent, otherId);
    const merge = await db.transaction().execute((trx) => mergeContacts(trx, id, otherId, { reason: 'agent', agentId: agent.id, now: clock.now() }));
    res.json({ merge: mergeJson(merge), contact: await contactView(db, id) });
  });

  return r;
}

function mergeJson(m: ContactMergeRow) {
  const before = m.merged_before as { name?: string | null };
  return {
    id: m.id,
    survivorId: m.survivor_id,
    mergedId: m.merged_id,
    mergedName: before.name ?? null,
    reason: m.reason,
    agentId: m.agent_id,
    createdAt: m.created_at.toISOString(),
    undoneAt: m.undone_at?.toISOString() ?? null,
  };
}

function byId(views: ContactView[]): Map<number, ContactView> {
  return new Map(views.map((v) => [v.id, v]));
}

function notFound(message: string) {
  return (err: unknown): never => {
    if (err instanceof GatewayError && err.code === 'GW_ERR_NOT_FOUND') throw new GatewayError('GW_ERR_NOT_FOUND', message);
    throw err;
  };
}
