import express, { type Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { GatewayError } from '../core/errors';
import { contactViews } from '../contacts/contact-view';
import { segmentFilterSchema, type SegmentFilter } from '../campaigns/segment-filter';
import { segmentContacts } from '../campaigns/segment-query';
import { toJson } from '../store/json';
import type { Db } from '../store/unit-of-work';
import { parse, type ApiRouter } from './api-router';
import { rowIdParam } from './row-id';

const idParam = z.object({ id: rowIdParam });
const name = z.string().trim().min(1).max(200);
const createBody = z.object({ name, filter: segmentFilterSchema }).strict();
const patchBody = z.object({ name: name.optional(), filter: segmentFilterSchema.optional() }).strict();
const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: rowIdParam.optional() });

/**
 * Segments (saved contact filters) for supervisors and admins (docs/contacts-campaigns-api.md):
 * CRUD, the contacts of a segment a page at a time, and a preview of an unsaved filter. Every
 * count and list comes from `segmentContacts`, the query campaigns plan with.
 */
export function segmentRoutes(deps: { db: Db; api: ApiRouter; clock: Clock }): Router {
  const { db, api, clock } = deps;
  const r = express.Router();
  const supervisors = api.requireAgent('supervisor', 'admin');

  const count = async (filter: SegmentFilter) => Number((await segmentContacts(db, filter, clock.now()).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst())?.n ?? 0);
  /** `{ total, contacts, nextCursor }`: contacts in id order, `cursor` = the last id of the page before. */
  const page = async (filter: SegmentFilter, q: z.infer<typeof pageQuery>) => {
    let query = segmentContacts(db, filter, clock.now()).select('c.id').orderBy('c.id').limit(q.limit + 1);
    if (q.cursor) query = query.where('c.id', '>', q.cursor);
    const [total, rows] = await Promise.all([count(filter), query.execute()]);
    const ids = rows.slice(0, q.limit).map((row) => row.id);
    return { total, contacts: await contactViews(db, ids), nextCursor: rows.length > q.limit ? String(ids[ids.length - 1]) : null };
  };
  const view = async (row: { id: number; name: string; filter: unknown; created_at: Date; updated_at: Date }) => ({
    id: row.id,
    name: row.name,
    filter: row.filter as SegmentFilter,
    contactCount: await count(segmentFilterSchema.parse(row.filter)),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  });
  const find = async (id: number) => {
    const row = await db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new GatewayError('GW_ERR_NOT_FOUND', 'segment not found');
    return row;
  };

  r.get('/segments', supervisors, async (_req, res) => {
    const rows = await db.selectFrom('segments').selectAll().orderBy('id').execute();
    res.json({ segments: await Promise.all(rows.map(view)) });
  });

  r.post('/segments', supervisors, async (req, res) => {
    const b = parse(createBody, req.body);
    const now = clock.now();
    const row = await db.insertInto('segments').values({ name: b.name, filter: toJson(b.filter), created_by: req.session!.agent.id, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
    res.status(201).json({ segment: await view(row) });
  });

  r.post('/segments/preview', supervisors, async (req, res) => {
    const b = parse(z.object({ filter: segmentFilterSchema }).strict(), req.body);
    res.json(await page(b.filter, parse(pageQuery, req.query)));
  });

  r.patch('/segments/:id', supervisors, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const b = parse(patchBody, req.body);
    await find(id);
    const row = await db
      .updateTable('segments')
      .set({ ...(b.name !== undefined ? { name: b.name } : {}), ...(b.filter !== undefined ? { filter: toJson(b.filter) } : {}), updated_at: clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    res.json({ segment: await view(row) });
  });

  // Campaigns keep their own copy of the filter (and `segment_id` is set null), so deleting changes none.
  r.delete('/segments/:id', supervisors, async (req, res) => {
    const { id } = parse(idParam, req.params);
    await find(id);
    await db.deleteFrom('segments').where('id', '=', id).execute();
    res.status(204).end();
  });

  r.get('/segments/:id/contacts', supervisors, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const row = await find(id);
    res.json(await page(segmentFilterSchema.parse(row.filter), parse(pageQuery, req.query)));
  });

  return r;
}
