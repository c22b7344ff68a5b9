import { sql } from 'kysely';
import type { Db } from '../store/unit-of-work';
import type { CampaignRow } from './campaign-store';

/** A recipient's fate as the report shows it. */
export type RecipientStatus = 'skipped' | 'waiting' | 'queued' | 'sent' | 'delivered' | 'failed' | 'unknown';

export interface ReportFigures {
  total: number;
  skipped: Record<string, number>;
  waiting: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: Record<string, number>;
  /** Also counted in its fate (sent, delivered…): a reply says nothing about delivery. */
  replied: number;
  /** Delivered without a status of its own, as the platform never confirmed it either way. */
  unknown: number;
}

export type CampaignReport = ReportFigures & { byChannel: Record<string, ReportFigures> };

/**
 * A recipient row keeps the plan (`skipped` / `waiting` / `queued`); once its message is
 * posted, the message's own status is its fate, read here (pending → queued, sent, delivered
 * or read → delivered, failed with the message's error as the reason, unknown). Joining at
 * read time means the report can never drift from the messages the outbox dispatcher and the
 * platforms' receipts update, and costs nothing on the messages' hot path.
 */
export const effectiveStatus = sql<RecipientStatus>`case
  when r.message_id is null then r.status
  when m.status = 'sent' then 'sent'
  when m.status in ('delivered', 'read') then 'delivered'
  when m.status = 'failed' then 'failed'
  when m.status = 'unknown' then 'unknown'
  else 'queued' end`;
export const effectiveReason = sql<string | null>`case when r.message_id is not null and m.status = 'failed' then coalesce(m.error, 'failed') else r.reason end`;

/**
 * When the contact answered: their first message after the campaign's, in any conversation
 * of the same identity on the inbox. Read at report time, like the status: nothing is
 * written for it on the path of every inbound message.
 */
export const repliedAt = sql<Date | null>`(select min(im.sent_at) from messages im
  join conversations ic on ic.id = im.conversation_id
  join conversations rc on rc.id = r.conversation_id
  where ic.identity_id = rc.identity_id and ic.inbox_id = r.inbox_id and im.direction = 'in' and im.id > r.message_id)`;

const empty = (): ReportFigures => ({ total: 0, skipped: {}, waiting: 0, queued: 0, sent: 0, delivered: 0, failed: {}, replied: 0, unknown: 0 });

export async function campaignReport(db: Db, campaign: Pick<CampaignRow, 'id'>): Promise<CampaignReport> {
  const rows = await db
    .selectFrom('campaign_recipients as r')
    .leftJoin('messages as m', 'm.id', 'r.message_id')
    .select(['r.channel', effectiveStatus.as('status'), effectiveReason.as('reason')])
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.count<string>(repliedAt).as('replied')])
    .where('r.campaign_id', '=', campaign.id)
    .groupBy(['r.channel', sql`2`, sql`3`])
    .execute();
  const report: CampaignReport = { ...empty(), byChannel: {} };
  for (const row of rows) {
    const n = Number(row.n);
    const replied = Number(row.replied);
    for (const f of [report, (report.byChannel[row.channel] ??= empty())]) {
      f.total += n;
      f.replied += replied;
      const reason = row.reason ?? 'unknown';
      if (row.status === 'skipped') f.skipped[reason] = (f.skipped[reason] ?? 0) + n;
      else if (row.status === 'failed') f.failed[reason] = (f.failed[reason] ?? 0) + n;
      else f[row.status] += n;
    }
  }
  return report;
}

export interface RecipientView {
  id: number;
  contactId: number;
  contactName: string | null;
  inboxId: number;
  channel: string;
  status: RecipientStatus;
  reason: string | null;
  notBefore: string | null;
  sentAt: string | null;
  repliedAt: string | null;
}

/** One page of a campaign's recipients in row order (`cursor` = the last row's id). */
export async function campaignRecipients(db: Db, campaignId: number, q: { status?: RecipientStatus; limit: number; cursor?: number }): Promise<{ recipients: RecipientView[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('campaign_recipients as r')
    .leftJoin('messages as m', 'm.id', 'r.message_id')
    .innerJoin('contacts as ct', 'ct.id', 'r.contact_id')
    .select(['r.id', 'r.contact_id', 'ct.name', 'r.inbox_id', 'r.channel', effectiveStatus.as('status'), effectiveReason.as('reason'), 'r.not_before', 'r.sent_at', repliedAt.as('replied_at')])
    .where('r.campaign_id', '=', campaignId);
  if (q.status) query = query.where(effectiveStatus, '=', q.status);
  if (q.cursor) query = query.where('r.id', '>', q.cursor);
  const rows = await query.orderBy('r.id').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  return {
    recipients: page.map((r) => ({
      id: r.id,
      contactId: r.contact_id,
      contactName: r.name,
      inboxId: r.inbox_id,
      channel: r.channel,
      status: r.status,
      reason: r.reason,
      notBefore: r.not_before ? new Date(r.not_before).toISOString() : null,
      sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
      repliedAt: r.replied_at ? new Date(r.replied_at).toISOString() : null,
    })),
    nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null,
  };
}
