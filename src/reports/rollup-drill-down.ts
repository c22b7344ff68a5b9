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
  // `cols` name the output; the orders name the tables' own columns so that an index can serve them.
  const kinds = TIME_KINDS[figure];
  const paged = (body: RawBuilder<unknown>, order: RawBuilder<unknown>) => ({ body, order });
  if (kinds) {
    rows = paged(sql`select ${cols}, ms::float8 as value from report_times where kind in (${sql.join([...kinds])}) and ${inP('at')} ${where}`, sql`ms desc, conversation_id desc`);
  } else {
    switch (figure) {
      case 'fcr':
        rows = paged(sql`select ${cols}, fcr as value from report_conversations where ${inP('last_resolved_at')} ${where}`, sql`conversation_id desc`);
        break;
      case 'botContainment':
        rows = paged(sql`select ${cols}, contained as value from report_conversations where ${inP('created_at')} and bot_handled ${where}`, sql`conversation_id desc`);
        break;
      case 'handoff':
        rows = paged(sql`select ${cols}, coalesce(to_jsonb(handoff_reason), 'false'::jsonb) as value from report_conversations where ${inP('created_at')} and bot_handled ${where}`, sql`conversation_id desc`);
        break;
      case 'resolvedWithin24h':
        rows = paged(sql`select ${cols}, coalesce(first_resolved_at - created_at <= interval '24 hours', false) as value from report_conversations where ${inP('created_at')} ${where}`, sql`conversation_id desc`);
        break;
      case 'backlog':
        rows = paged(
          sql`select ${cols}, (extract(epoch from ${p.to}::timestamptz - created_at) * 1000)::float8 as value, created_at from (
            select * from report_segments where resolved_at is null and start_at <= ${p.to} ${where}
            union all
            select * from report_segments where resolved_at > ${p.to} and start_at <= ${p.to} ${where}) s`,
          sql`created_at, conversation_id desc`,
        );
        break;
      case 'csat':
      case 'nps':
        rows = paged(sql`select ${cols}, score as value from report_surveys where kind = ${figure} and event = 'answered' and score is not null and ${inP('at')} ${where}`, sql`conversation_id desc`);
        break;
      default:
        throw new Error(`no drill-down for ${figure as string}`);
    }
  }
  // The page in the order of the underlying columns (times: through the (kind, ms) index), the total apart.
  const [items, count] = await Promise.all([
    sql<DrillRow & { created_at?: Date }>`${rows.body} order by ${rows.order} limit ${page.limit} offset ${page.offset}`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from (${rows.body}) d`.execute(db),
  ]);
  return { total: count.rows[0]!.n, items: items.rows.map(({ created_at: _created, ...r }) => r) };
}
