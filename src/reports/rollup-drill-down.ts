import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/unit-of-work';
import type { Period } from './figures';
import type { DrillFigure, DrillRow } from './report-service';

const TIME_KINDS: Partial<Record<DrillFigure, readonly string[]>> = {
  firstResponse: ['first_response'],
  humanFirstResponse: ['human_first_response'],
  responseTime: ['wait_bot', 'wait_human'],
  resolutionTime: ['resolution'],
};

/**
 * The conversations behind one figure, from the report tables (the same sets as
 * figures.ts `membership`, so the rows add up to the summary's counts): times longest
 * first, everything else newest conversation first; one page of `limit` rows from
 * `offset`, and the total.
 */
export async function drillDown(db: Db, p: Period, where: RawBuilder<unknown>, figure: DrillFigure, page: { limit: number; offset: number }): Promise<{ total: number; items: DrillRow[] }> {
  const inP = (col: string) => sql`${sql.ref(col)} >= ${p.from} and ${sql.ref(col)} < ${p.to}`;
  const cols = sql`conversation_id as "conversationId", channel, inbox_id as "inboxId", agent_id as "agentId"`;
  let rows: { body: RawBuilder<unknown>; order: RawBuilder<unknown> };
  const kinds = TIME_KINDS[figure];
  const paged = (body: RawBuilder<unknown>, order: RawBuilder<unknown>) => ({ body, order });
  if (kinds) {
    rows = paged(sql`select ${cols}, ms::float8 as value from report_times where kind in (${sql.join([...kinds])}) and ${inP('at')} ${where}`, sql`value desc, "conversationId" desc`);
  } else {
    switch (figure) {
      case 'fcr':
        rows = paged(sql`select ${cols}, fcr as value from report_conversations where ${inP('last_resolved_at')} ${where}`, sql`"conversationId" desc`);
        break;
      case 'botContainment':
        rows = paged(sql`select ${cols}, contained as value from report_conversations where ${inP('created_at')} and bot_handled ${where}`, sql`"conversationId" desc`);
        break;
      case 'handoff':
        rows = paged(sql`select ${cols}, coalesce(to_jsonb(handoff_reason), 'false'::jsonb) as value from report_conversations where ${inP('created_at')} and bot_handled ${where}`, sql`"conversationId" desc`);
        break;
      case 'resolvedWithin24h':
        rows = paged(sql`select ${cols}, coalesce(first_resolved_at - created_at <= interval '24 hours', false) as value from report_conversations where ${inP('created_at')} ${where}`, sql`"conversationId" desc`);
        break;
      case 'backlog':
        rows = paged(
          sql`select ${cols}, (extract(epoch from ${p.to}::timestamptz - created_at) * 1000)::float8 as value from (
            select * from report_segments where resolved_at is null and start_at <= ${p.to} ${where}
            union all
            select * from report_segments where resolved_at > ${p.to} and start_at <= ${p.to} ${where}) s`,
          sql`value desc, "conversationId" desc`,
        );
        break;
      case 'csat':
      case 'nps':
        rows = paged(sql`select ${cols}, score as value from report_surveys where kind = ${figure} and event = 'answered' and score is not null and ${inP('at')} ${where}`, sql`"conversationId" desc`);
        break;
      default:
        throw new Error(`no drill-down for ${figure as string}`);
    }
  }
  const fetch = async (limit: number, offset: number) =>
    (await sql<DrillRow & { total: number }>`select *, count(*) over ()::int as total from (${rows.body}) d order by ${rows.order} limit ${limit} offset ${offset}`.execute(db)).rows;
  const result = await fetch(page.limit, page.offset);
  // Past the last page no row carries the total: ask for the first row alone.
  const total = result[0]?.total ?? (page.offset > 0 ? ((await fetch(1, 0))[0]?.total ?? 0) : 0);
  return { total, items: result.map(({ total: _total, ...r }) => r) };
}
