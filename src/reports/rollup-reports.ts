import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/unit-of-work';
import { csatFigure, npsFigure, rate, type BacklogBucket, type Period, type Summary } from './figures';
import type { GroupRow, ReportFilter } from './report-service';
import { linksBetween } from './activity-links';
import { COUNT_FIELDS, periodCounts, zeroCounts, type CountField, type Counts, type PeriodCounts } from './count-rollups';
import { groupTimeMeans, timeFigures, timePercentiles, timeSums, type TimeSum } from './rollup-times';

/**
 * The summary of figures.ts, computed by the database over the report tables (migrations
 * 0008 and 0010) instead of folding the log in memory: counts with FILTER; the time
 * figures from the per-day tables and histograms (rollup-times.ts: exact nearest-rank
 * medians and p90 without sorting the period); each table filtered on its own copy of
 * inbox/channel/team/agent (no joins).
 * `test/reports/rollups.test.ts` checks that both ways give equal summaries; `npm run
 * bench` times this over a million conversations.
 */
export async function summaryFromRollups(db: Db, p: Period, filter: ReportFilter): Promise<Summary & { byAgent: GroupRow[]; byTeam: GroupRow[] }> {
  const { from, to } = p;
  const nextTo = new Date(to.getTime() + (to.getTime() - from.getTime()));
  const where = filterSql(filter);
  const q = async <T>(query: RawBuilder<T>) => (await query.execute(db)).rows;

  const [sums, percentiles, counted, backlogRows, activity] = await Promise.all([
    timeSums(q, p, where),
    timePercentiles(q, (query) => sorting(db, query), p, filter, where),
    periodCounts(q, p, where),
    // Still open at `to`: the visit had begun and was not resolved by then.
    q(sql<{ channel: string; team_id: number | null; bucket: BacklogBucket; n: number }>`
      select channel, team_id, case when ${to}::timestamptz - created_at < interval '1 hour' then 'lt1h' when ${to}::timestamptz - created_at < interval '24 hours' then 'h1to24'
        when ${to}::timestamptz - created_at < interval '7 days' then 'd1to7' else 'gt7d' end as bucket, count(*)::int as n
      from (
        -- the two ways to be open at the end of the period, each through its own index
        select channel, team_id, created_at from report_segments where resolved_at is null and start_at <= ${to} ${where}
        union all
        select channel, team_id, created_at from report_segments where resolved_at > ${to} and start_at <= ${to} ${where}
      ) s group by 1, 2, 3`),
    // Contacts who wrote in the period, and whether they wrote again in the next one.
    filter.inboxId === undefined && filter.teamId === undefined && filter.agentId === undefined
      ? linkedRetention(q, p, nextTo, where)
      : // Within an inbox, team or agent, "again" means again in its conversations: grouped per contact.
        q(sql<{ channel: string; active: number; returned: number }>`
          select channel, count(*) filter (where active)::int as active, count(*) filter (where active and again)::int as returned from (
            select channel, contact_id, bool_or(at < ${to}) as active, bool_or(at >= ${to}) as again
            from report_activity where at >= ${from} and at < ${nextTo} ${where} group by channel, contact_id) c
          group by channel`),
  ]);

  const times = timeFigures(sums, percentiles);
  const total = (of: readonly Counts[], k: CountField) => of.reduce((s, r) => s + r[k], 0);
  const rows = counted.rows;
  const counts = (k: CountField) => total(rows, k);
  const byChannel = <T>(rows: readonly { channel: string }[], f: (rows: never[]) => T): Record<string, T> => {
    const groups = new Map<string, unknown[]>();
    for (const r of rows) groups.set(r.channel, [...(groups.get(r.channel) ?? []), r]);
    return Object.fromEntries([...groups.entries()].map(([ch, rs]) => [ch, f(rs as never[])]));
  };

  const buckets: Record<BacklogBucket, number> = { lt1h: 0, h1to24: 0, d1to7: 0, gt7d: 0 };
  const backlogByChannel: Record<string, number> = {};
  const backlogByTeam: Record<string, number> = {};
  let backlogTotal = 0;
  for (const r of backlogRows) {
    backlogTotal += r.n;
    buckets[r.bucket] += r.n;
    backlogByChannel[r.channel] = (backlogByChannel[r.channel] ?? 0) + r.n;
    const team = r.team_id === null ? 'none' : String(r.team_id);
    backlogByTeam[team] = (backlogByTeam[team] ?? 0) + r.n;
  }
  const active = activity.reduce((s, r) => s + r.active, 0);
  const returned = activity.reduce((s, r) => s + r.returned, 0);

  return {
    period: { from: from.toISOString(), to: to.toISOString() },
    firstResponse: { ...times.first_response.wall, business: times.first_response.business },
    humanFirstResponse: { ...times.human_first_response.wall, business: times.human_first_response.business },
    responseTime: {
      all: times.waits.wall,
      bot: times.wait_bot.wall,
      human: times.wait_human.wall,
      business: { all: times.waits.business, bot: times.wait_bot.business, human: times.wait_human.business },
    },
    fcr: {
      ...rate(counts('fcr'), counts('resolved')),
      bot: rate(counts('bot_fcr'), counts('bot_resolved')),
      human: rate(counts('fcr') - counts('bot_fcr'), counts('resolved') - counts('bot_resolved')),
    },
    botContainment: rate(counts('contained'), counts('bot_handled')),
    handoff: { ...rate(counts('handed_off'), counts('bot_handled')), byReason: counted.handoffsByReason },
    resolutionTime: { ...times.resolution.wall, business: times.resolution.business },
    resolvedWithin24h: {
      ...rate(counts('within24'), counts('created')),
      byChannel: Object.fromEntries(Object.entries(byChannel(rows, (rs: Counts[]) => rate(total(rs, 'within24'), total(rs, 'created')))).filter(([, r]) => r.of > 0)),
    },
    backlog: { at: to.toISOString(), total: backlogTotal, buckets, byChannel: backlogByChannel, byTeam: backlogByTeam },
    csat: csatFigure({ sent: counts('csat_sent'), answered: counts('csat_answered'), satisfied: counts('csat_satisfied'), total: counts('csat_total') }),
    nps: npsFigure({ answered: counts('nps_answered'), promoters: counts('promoters'), passives: counts('passives'), detractors: counts('detractors') }),
    retention: {
      active,
      returned,
      retention: active === 0 ? null : returned / active,
      churn: active === 0 ? null : (active - returned) / active,
      byChannel: Object.fromEntries(activity.filter((r) => r.active > 0).map((r) => [r.channel, rate(r.returned, r.active)])),
    },
    byAgent: groupRows('agent', rows, sums),
    byTeam: groupRows('team', rows, sums),
  };
}

/**
 * Contacts who wrote in the period, and of those who wrote again in the next one of the
 * same length, through the links of activity-links.ts: a contact's first message of the
 * period is the one whose previous message is older; one who came back has a first
 * message after the period whose previous one is inside it.
 */
async function linkedRetention(run: <T>(query: RawBuilder<T>) => Promise<T[]>, p: Period, nextTo: Date, where: RawBuilder<unknown>) {
  const [active, returned] = await Promise.all([linksBetween(run, p, { from: null, to: p.from }, where), linksBetween(run, { from: p.to, to: nextTo }, p, where)]);
  return [...new Set([...active.keys(), ...returned.keys()])].map((channel) => ({ channel, active: active.get(channel) ?? 0, returned: returned.get(channel) ?? 0 }));
}

/**
 * Per agent or team, as report-service.ts `groupRows`: conversations created and resolved
 * in the period, FCR, mean times and CSAT; groups with neither a new nor a resolved
 * conversation are left out.
 */
function groupRows(by: 'agent' | 'team', rows: PeriodCounts['rows'], sums: readonly TimeSum[]): GroupRow[] {
  const means = groupTimeMeans(sums, by);
  const groups = new Map<number, Counts>();
  for (const r of rows) {
    const g = groups.get(r[by]) ?? groups.set(r[by], zeroCounts()).get(r[by])!;
    for (const f of COUNT_FIELDS) g[f] += r[f];
  }
  return [...groups.entries()]
    .filter(([, g]) => g.created > 0 || g.resolved > 0)
    .map(([key, g]) => {
      const id = key === 0 ? null : key;
      const t = means.get(id);
      return {
        id,
        conversations: g.created,
        resolved: g.resolved,
        fcrRate: g.resolved === 0 ? null : g.fcr / g.resolved,
        firstResponseMeanMs: t?.frt ?? null,
        humanFirstResponseMeanMs: t?.hfrt ?? null,
        responseTimeMeanMs: t?.waitMean ?? null,
        csatScore: g.csat_answered > 0 ? g.csat_satisfied / g.csat_answered : null,
        csatAnswered: g.csat_answered,
      };
    })
    .sort((a, b) => (a.id ?? -1) - (b.id ?? -1));
}

/**
 * A query that sorts a period's values (percentiles for one team or agent), in its own
 * transaction with room to sort in memory (the default 4 MB work_mem would spill to disk).
 */
async function sorting<T>(db: Db, query: RawBuilder<T>): Promise<T[]> {
  return db.transaction().execute(async (trx) => {
    await sql`set local work_mem = '128MB'`.execute(trx);
    return (await query.execute(trx)).rows;
  });
}


/** The filter as extra conditions; every report table carries these four columns. */
export function filterSql(f: ReportFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (f.inboxId !== undefined) parts.push(sql`and inbox_id = ${f.inboxId}`);
  if (f.channel !== undefined) parts.push(sql`and channel = ${f.channel}`);
  if (f.teamId !== undefined) parts.push(sql`and team_id = ${f.teamId}`);
  if (f.agentId !== undefined) parts.push(sql`and agent_id = ${f.agentId}`);
  return parts.length === 0 ? sql`` : sql.join(parts, sql` `);
}
