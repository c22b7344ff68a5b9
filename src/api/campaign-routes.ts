import express, { type Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { GatewayError } from '../core/errors';
import { campaignContentSchema } from '../campaigns/campaign-content';
import { campaignRecipients, campaignReport } from '../campaigns/campaign-report';
import { CANCELLED, type CampaignRunner } from '../campaigns/campaign-runner';
import { campaignView, type CampaignRow } from '../campaigns/campaign-store';
import { previewCampaign, type CampaignPlanner } from '../campaigns/planner';
import { segmentFilterSchema, type SegmentFilter } from '../campaigns/segment-filter';
import { toJson } from '../store/json';
import type { Db } from '../store/unit-of-work';
import { parse, type ApiRouter } from './api-router';
import { rowId, rowIdParam } from './row-id';

const idParam = z.object({ id: rowIdParam });
const fields = {
  name: z.string().trim().min(1).max(200),
  segmentId: rowId.nullable(),
  filter: segmentFilterSchema,
  inboxIds: z.array(rowId).min(1).max(50),
  content: campaignContentSchema,
};
const createBody = z.object({ ...fields, segmentId: fields.segmentId.optional(), filter: fields.filter.optional() }).strict();
const patchBody = z.object(fields).partial().strict();
const sendBody = z.object({ at: z.coerce.date().optional() }).strict();
const recipientsQuery = z.object({
  status: z.enum(['skipped', 'waiting', 'queued', 'sent', 'delivered', 'failed', 'unknown']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: rowIdParam.optional(),
});

/**
 * Campaigns for supervisors and admins (docs/contacts-campaigns-api.md): drafts made and
 * edited, previewed (the planner's decisions counted per channel, nothing written), sent now or
 * at a time, cancelled; the report and the recipients. Sending is the runner's
 * (src/campaigns/campaign-runner.ts); "now" kicks it.
 *
 * The filter is copied into the campaign (from the segment when `segmentId` is given without a
 * filter): a later edit of the segment changes no campaign.
 */
export function campaignRoutes(deps: { db: Db; api: ApiRouter; clock: Clock; planner: CampaignPlanner; runner: CampaignRunner }): Router {
  const { db, api, clock, planner, runner } = deps;
  const r = express.Router();
  const supervisors = api.requireAgent('supervisor', 'admin');

  const find = async (id: number): Promise<CampaignRow> => {
    const row = await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new GatewayError('GW_ERR_NOT_FOUND', 'campaign not found');
    return row;
  };
  const segmentFilter = async (segmentId: number): Promise<SegmentFilter> => {
    const s = await db.selectFrom('segments').select('filter').where('id', '=', segmentId).executeTakeFirst();
    if (!s) throw new GatewayError('GW_ERR_VALIDATION', `segmentId: no segment ${segmentId}`);
    return segmentFilterSchema.parse(s.filter);
  };
  const checkInboxes = async (ids: number[]) => {
    const found = await db.selectFrom('inboxes').select('id').where('id', 'in', ids).execute();
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) throw new GatewayError('GW_ERR_VALIDATION', `inboxIds: no inbox ${missing.join(', ')}`);
  };

  r.get('/campaigns', supervisors, async (_req, res) => {
    const rows = await db.selectFrom('campaigns').selectAll().orderBy('id', 'desc').execute();
    res.json({ campaigns: rows.map(campaignView) });
  });

  r.post('/campaigns', supervisors, async (req, res) => {
    const b = parse(createBody, req.body);
    if (b.filter === undefined && b.segmentId == null) throw new GatewayError('GW_ERR_VALIDATION', 'give a segmentId or a filter');
    const filter = b.filter ?? (await segmentFilter(b.segmentId!));
    if (b.segmentId != null) await segmentFilter(b.segmentId);
    await checkInboxes(b.inboxIds);
    const now = clock.now();
    const row = await db
      .insertInto('campaigns')
      .values({ name: b.name, segment_id: b.segmentId ?? null, filter: toJson(filter), inbox_ids: toJson(b.inboxIds), content: toJson(b.content), status: 'draft', created_by: req.session!.agent.id, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    res.status(201).json({ campaign: campaignView(row) });
  });

  r.get('/campaigns/:id', supervisors, async (req, res) => {
    const row = await find(parse(idParam, req.params).id);
    res.json({ campaign: campaignView(row), report: await campaignReport(db, row) });
  });

  r.patch('/campaigns/:id', supervisors, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const b = parse(patchBody, req.body);
    await find(id);
    // A new segment without a filter brings the segment's filter.
    const filter = b.filter ?? (b.segmentId != null ? await segmentFilter(b.segmentId) : undefined);
    if (b.inboxIds) await checkInboxes(b.inboxIds);
    const row = await db
      .updateTable('campaigns')
      .set({
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(b.segmentId !== undefined ? { segment_id: b.segmentId } : {}),
        ...(filter !== undefined ? { filter: toJson(filter) } : {}),
        ...(b.inboxIds !== undefined ? { inbox_ids: toJson(b.inboxIds) } : {}),
        ...(b.content !== undefined ? { content: toJson(b.content) } : {}),
        updated_at: clock.now(),
      })
      .where('id', '=', id)
      .where('status', '=', 'draft')
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new GatewayError('GW_ERR_INVALID_TRANSITION', 'only a draft campaign can be edited');
    res.json({ campaign: campaignView(row) });
  });

  r.get('/campaigns/:id/preview', supervisors, async (req, res) => {
    const row = await find(parse(idParam, req.params).id);
    res.json(await previewCampaign(planner, segmentFilterSchema.parse(row.filter), row.inbox_ids, clock.now()));
  });

  r.post('/campaigns/:id/send', supervisors, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const b = parse(sendBody, req.body ?? {});
    await find(id);
    const now = clock.now();
    const at = b.at && b.at > now ? b.at : now;
    const row = await db.updateTable('campaigns').set({ status: 'scheduled', scheduled_at: at, updated_at: now }).where('id', '=', id).where('status', '=', 'draft').returningAll().executeTakeFirst();
    if (!row) throw new GatewayError('GW_ERR_INVALID_TRANSITION', 'only a draft campaign can be sent');
    if (at === now) runner.kick();
    res.json({ campaign: campaignView(row) });
  });

  // Waiting recipients, and queued ones not yet posted, are skipped with reason `cancelled`;
  // messages already in the outbox go on (they may be on their way to the platform).
  r.post('/campaigns/:id/cancel', supervisors, async (req, res) => {
    const { id } = parse(idParam, req.params);
    await find(id);
    const row = await db.transaction().execute(async (trx) => {
      const now = clock.now();
      const updated = await trx.updateTable('campaigns').set({ status: 'cancelled', finished_at: now, updated_at: now }).where('id', '=', id).where('status', 'in', ['draft', 'scheduled', 'sending']).returningAll().executeTakeFirst();
      if (!updated) return undefined;
      await trx
        .updateTable('campaign_recipients')
        .set({ status: 'skipped', reason: CANCELLED, not_before: null, updated_at: now })
        .where('campaign_id', '=', id)
        .where((eb) => eb.or([eb('status', '=', 'waiting'), eb.and([eb('status', '=', 'queued'), eb('message_id', 'is', null)])]))
        .execute();
      return updated;
    });
    if (!row) throw new GatewayError('GW_ERR_INVALID_TRANSITION', 'this campaign is already sent or cancelled');
    res.json({ campaign: campaignView(row) });
  });

  r.get('/campaigns/:id/recipients', supervisors, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const q = parse(recipientsQuery, req.query);
    await find(id);
    res.json(await campaignRecipients(db, id, q));
  });

  return r;
}
