import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/unit-of-work';
import { csatFigure, npsFigure, rate, type BacklogBucket, type Period, type Summary, type TimeStats } from './figures';
import type { GroupRow, ReportFilter } from './report-service';

type TimeRow = { n: number; mean: number | null; pct: number[] | null; bmean: number | null; bpct: number[] | null };

/**
 * The summary of figures.ts, computed by the database over the report tables (migration
 * 0008) instead of folding the log in memory: counts with FILTER, exact percentiles with
 * `percentile_disc` (the nearest-rank value figures.ts uses; median and p90 from one
 * sort), each table filtered on its own copy of inbox/channel/team/agent (no joins).
 * `test/reports/rollups.test.ts` checks that both ways give equal summaries; `npm run
 * bench` times this over a million conversations.
 */
export async function summaryFromRollups(db: Db, p: Period, filter: ReportFilter): Promise<Summary & { byAgent: GroupRow[]; byTeam: GroupRow[] }> {
  const { from, to } = p;
  const nextTo = new Date(to.getTime() + (to.getTime() - from.getTime()));
  const where = filterSql(filter);
  const timeCols = sql`count(*)::int as n,
      round(avg(ms))::float8 as mean, percentile_disc(array[0.5, 0.9]) within group (order by ms)::float8[] as pct,
      round(avg(business_ms))::float8 as bmean, percentile_disc(array[0.5, 0.9]) within group (order by business_ms)::float8[] as bpct`;
  const inP = (col: string) => sql`${sql.ref(col)} >= ${from} and ${sql.ref(col)} < ${to}`;

  const [times, waitsAll, countsR, reasons, within, backlogRows, surveysR, activity, byAgent, byTeam] = await Promise.all([
    run(db, sql<TimeRow & { kind: string }>`select kind, ${timeCols} from report_times where at >= ${from} and at < ${to} ${where} group by kind`),
    // All waits together (bot and human) need their own percentiles.
    run(db, sql<TimeRow>`select ${timeCols} from report_times where kind in ('wait_bot', 'wait_human') and at >= ${from} and at < ${to} ${where}`),
    run(
      db,
      sql<{ resolved: number; fcr: number; bot_resolved: number; bot_fcr: number; bot_handled: number; contained: number; handed_off: number }>`
      select
        count(*) filter (where ${inP('last_resolved_at')})::int as resolved,
        count(*) filter (where ${inP('last_resolved_at')} and fcr)::int as fcr,
        count(*) filter (where ${inP('last_resolved_at')} and bot_resolved)::int as bot_resolved,
        count(*) filter (where ${inP('last_resolved_at')} and bot_resolved and fcr)::int as bot_fcr,
        count(*) filter (where ${inP('created_at')} and bot_handled)::int as bot_handled,
        count(*) filter (where ${inP('created_at')} and bot_handled and contained)::int as contained,
        count(*) filter (where ${inP('created_at')} and bot_handled and handoff_reason is not null)::int as handed_off
      from report_conversations where (${inP('last_resolved_at')} or ${inP('created_at')}) ${where}`,
    ),
    run(db, sql<{ reason: string; n: number }>`select handoff_reason as reason, count(*)::int as n from report_conversations where ${inP('created_at')} and bot_handled and handoff_reason is not null ${where} group by handoff_reason`),
    run(
      db,
      sql<{ channel: string; of: number; n: number }>`
      select channel, count(*)::int as of, count(*) filter (where first_resolved_at - created_at <= interval '24 hours')::int as n
      from report_conversations where ${inP('created_at')} ${where} group by channel`,
    ),
    // Still open at `to`: the visit had begun and was not resolved by then.
    run(
      db,
      sql<{ channel: string; team_id: number | null; bucket: BacklogBucket; n: number }>`
      select channel, team_id, case when ${to}::timestamptz - created_at < interval '1 hour' then 'lt1h' when ${to}::timestamptz - created_at < interval '24 hours' then 'h1to24'
        when ${to}::timestamptz - created_at < interval '7 days' then 'd1to7' else 'gt7d' end as bucket, count(*)::int as n
      from report_segments where start_at <= ${to} and (resolved_at is null or resolved_at > ${to}) ${where} group by 1, 2, 3`,
    ),
    run(
      db,
      sql<{ csat_sent: number; csat_answered: number; csat_satisfied: number; csat_total: number | null; nps_answered: number; promoters: number; passives: number; detractors: number }>`
      select
        count(*) filter (where kind = 'csat' and event = 'sent')::int as csat_sent,
        count(*) filter (where kind = 'csat' and event = 'answered' and score is not null)::int as csat_answered,
        count(*) filter (where kind = 'csat' and event = 'answered' and score >= 4)::int as csat_satisfied,
        sum(score) filter (where kind = 'csat' and event = 'answered')::float8 as csat_total,
        count(*) filter (where kind = 'nps' and event = 'answered' and score is not null)::int as nps_answered,
        count(*) filter (where kind = 'nps' and event = 'answered' and score >= 9)::int as promoters,
        count(*) filter (where kind = 'nps' and event = 'answered' and score between 7 and 8)::int as passives,
        count(*) filter (where kind = 'nps' and event = 'answered' and score < 7)::int as detractors
      from report_surveys where at >= ${from} and at < ${to} ${where}`,
    ),
    // Contacts who wrote in the period, and whether they wrote again in the next one.
    run(
      db,
      sql<{ channel: string; active: number; returned: number }>`
      select channel, count(*) filter (where active)::int as active, count(*) filter (where active and again)::int as returned from (
        select channel, contact_id, bool_or(at < ${to}) as active, bool_or(at >= ${to}) as again
        from report_activity where at >= ${from} and at < ${nextTo} ${where} group by channel, contact_id) c
      group by channel`,
    ),
    groupRowsFromRollups(db, p, where, 'agent_id'),
    groupRowsFromRollups(db, p, where, 'team_id'),
  ]);

  const stat = (row: TimeRow | undefined): TimeStats => (row && row.n > 0 ? { count: row.n, meanMs: row.mean, medianMs: row.pct![0]!, p90Ms: row.pct![1]! } : empty());
  const bstat = (row: TimeRow | undefined): TimeStats => (row && row.n > 0 ? { count: row.n, meanMs: row.bmean, medianMs: row.bpct![0]!, p90Ms: row.bpct![1]! } : empty());
  const kind = (k: string) => times.find((r) => r.kind === k);
  const counts = countsR[0]!;
  const surveys = surveysR[0]!;
  const buckets: Record<BacklogBucket, number> = { lt1h: 0, h1to24: 0, d1to7: 0, gt7d: 0 };
  const byChannel: Record<string, number> = {};
  const byTeamBacklog: Record<string, number> = {};
  let backlogTotal = 0;
  for (const r of backlogRows) {
    backlogTotal += r.n;
    buckets[r.bucket] += r.n;
    byChannel[r.channel] = (byChannel[r.channel] ?? 0) + r.n;
    const team = r.team_id === null ? 'none' : String(r.team_id);
    byTeamBacklog[team] = (byTeamBacklog[team] ?? 0) + r.n;
  }
  const active = activity.reduce((s, r) => s + r.active, 0);
  const returned = activity.reduce((s, r) => s + r.returned, 0);
  const withinAll = within.reduce((a, r) => ({ n: a.n + r.n, of: a.of + r.of }), { n: 0, of: 0 });

  return {
    period: { from: from.toISOString(), to: to.toISOString() },
    firstResponse: { ...stat(kind('first_response')), business: bstat(kind('first_response')) },
    humanFirstResponse: { ...stat(kind('human_first_response')), business: bstat(kind('human_first_response')) },
    responseTime: {
      all: stat(waitsAll[0]),
      bot: stat(kind('wait_bot')),
      human: stat(kind('wait_human')),
      business: { all: bstat(waitsAll[0]), bot: bstat(kind('wait_bot')), human: bstat(kind('wait_human')) },
    },
    fcr: { ...rate(counts.fcr, counts.resolved), bot: rate(counts.bot_fcr, counts.bot_resolved), human: rate(counts.fcr - counts.bot_fcr, counts.resolved - counts.bot_resolved) },
    botContainment: rate(counts.contained, counts.bot_handled),
    handoff: { ...rate(counts.handed_off, counts.bot_handled), byReason: Object.fromEntries(reasons.map((r) => [r.reason, r.n])) },
    resolutionTime: { ...stat(kind('resolution')), business: bstat(kind('resolution')) },
    resolvedWithin24h: { ...rate(withinAll.n, withinAll.of), byChannel: Object.fromEntries(within.map((r) => [r.channel, rate(r.n, r.of)])) },
    backlog: { at: to.toISOString(), total: backlogTotal, buckets, byChannel, byTeam: byTeamBacklog },
    csat: csatFigure({ sent: surveys.csat_sent, answered: surveys.csat_answered, satisfied: surveys.csat_satisfied, total: surveys.csat_total ?? 0 }),
    nps: npsFigure({ answered: surveys.nps_answered, promoters: surveys.promoters, passives: surveys.passives, detractors: surveys.detractors }),
    retention: {
      active,
      returned,
      retention: active === 0 ? null : returned / active,
      churn: active === 0 ? null : (active - returned) / active,
      byChannel: Object.fromEntries(activity.filter((r) => r.active > 0).map((r) => [r.channel, rate(r.returned, r.active)])),
    },
    byAgent,
    byTeam,
  };
}

/** Per agent or team, as report-service.ts `groupRows`: touched conversations and key figures over the period. */
async function groupRowsFromRollups(db: Db, p: Period, where: RawBuilder<unknown>, column: 'agent_id' | 'team_id'): Promise<GroupRow[]> {
  const key = sql.ref(column);
  const inP = (col: string) => sql`(${sql.ref(col)} >= ${p.from} and ${sql.ref(col)} < ${p.to})`;
  const [base, times, csat] = await Promise.all([
    run(
      db,
      sql<{ id: number | null; conversations: number; resolved: number; fcr: number }>`
      select ${key} as id, count(*) filter (where ${inP('created_at')} or ${inP('last_resolved_at')} or ${inP('last_reopened_at')})::int as conversations,
        count(*) filter (where ${inP('last_resolved_at')})::int as resolved,
        count(*) filter (where ${inP('last_resolved_at')} and fcr)::int as fcr
      from report_conversations where (${inP('created_at')} or ${inP('last_resolved_at')} or ${inP('last_reopened_at')}) ${where} group by ${key}`,
    ),
    run(
      db,
      sql<{ id: number | null; frt: number | null; hfrt: number | null; wait_mean: number | null }>`
      select ${key} as id,
        round(avg(ms) filter (where kind = 'first_response'))::float8 as frt,
        round(avg(ms) filter (where kind = 'human_first_response'))::float8 as hfrt,
        round(avg(ms) filter (where kind in ('wait_bot', 'wait_human')))::float8 as wait_mean
      from report_times where at >= ${p.from} and at < ${p.to} ${where} group by ${key}`,
    ),
    run(
      db,
      sql<{ id: number | null; answered: number; satisfied: number }>`
      select ${key} as id, count(*)::int as answered, count(*) filter (where score >= 4)::int as satisfied
      from report_surveys where kind = 'csat' and event = 'answered' and score is not null and at >= ${p.from} and at < ${p.to} ${where} group by ${key}`,
    ),
  ]);
  return base
    .filter((b) => b.conversations > 0)
    .map((b) => {
      const t = times.find((r) => r.id === b.id);
      const c = csat.find((r) => r.id === b.id);
      return {
        id: b.id,
        conversations: b.conversations,
        resolved: b.resolved,
        fcrRate: b.resolved === 0 ? null : b.fcr / b.resolved,
        firstResponseMeanMs: t?.frt ?? null,
        humanFirstResponseMeanMs: t?.hfrt ?? null,
        responseTimeMeanMs: t?.wait_mean ?? null,
        csatScore: c && c.answered > 0 ? c.satisfied / c.answered : null,
        csatAnswered: c?.answered ?? 0,
      };
    })
    .sort((a, b) => (a.id ?? -1) - (b.id ?? -1));
}

/**
 * One report query in its own transaction with room to sort in memory (percentiles sort
 * every value of the period; the default 4 MB work_mem would spill to disk).
 */
async function run<T>(db: Db, query: RawBuilder<T>): Promise<T[]> {
  return db.transaction().execute(async (trx) => {
    await sql`set local work_mem = '128MB'`.execute(trx);
    return (await query.execute(trx)).rows;
  });
}

function empty(): TimeStats {
  return { count: 0, meanMs: null, medianMs: null, p90Ms: null };
}

/** The filter as extra conditions; every report table carries these four columns. */
function filterSql(f: ReportFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (f.inboxId !== undefined) parts.push(sql`and inbox_id = ${f.inboxId}`);
  if (f.channel !== undefined) parts.push(sql`and channel = ${f.channel}`);
  if (f.teamId !== undefined) parts.push(sql`and team_id = ${f.teamId}`);
  if (f.agentId !== undefined) parts.push(sql`and agent_id = ${f.agentId}`);
  return parts.length === 0 ? sql`` : sql.join(parts, sql` `);
}
