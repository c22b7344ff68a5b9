import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/unit-of-work';
import { backlogBucket, rate, type BacklogBucket, type Period, type Summary, type TimeStats } from './figures';
import type { GroupRow, ReportFilter } from './report-service';

/**
 * The summary of figures.ts, computed by PostgreSQL over the report tables (migration
 * 0008) instead of folding the log in memory: counts with FILTER, exact percentiles with
 * `percentile_disc` (the nearest-rank value figures.ts uses), one query per family of
 * figures. `test/reports/rollups.test.ts` checks that both ways give equal summaries.
 */
export async function summaryFromRollups(db: Db, p: Period, filter: ReportFilter): Promise<Summary & { byAgent: GroupRow[]; byTeam: GroupRow[] }> {
  const from = p.from;
  const to = p.to;
  const nextTo = new Date(to.getTime() + (to.getTime() - from.getTime()));
  const where = filterSql(filter);

  const timesQ = sql<{ kind: string; n: number; mean: number | null; med: number | null; p90: number | null; bmean: number | null; bmed: number | null; bp90: number | null }>`
    select t.kind, count(*)::int as n,
      round(avg(t.ms))::float8 as mean, percentile_disc(0.5) within group (order by t.ms)::float8 as med, percentile_disc(0.9) within group (order by t.ms)::float8 as p90,
      round(avg(t.business_ms))::float8 as bmean, percentile_disc(0.5) within group (order by t.business_ms)::float8 as bmed, percentile_disc(0.9) within group (order by t.business_ms)::float8 as bp90
    from report_times t join report_conversations rc on rc.conversation_id = t.conversation_id
    where t.at >= ${from} and t.at < ${to} ${where}
    group by t.kind`.execute(db);
  // All waits together (bot and human) need their own percentiles.
  const waitsAllQ = sql<{ n: number; mean: number | null; med: number | null; p90: number | null; bmean: number | null; bmed: number | null; bp90: number | null }>`
    select count(*)::int as n,
      round(avg(t.ms))::float8 as mean, percentile_disc(0.5) within group (order by t.ms)::float8 as med, percentile_disc(0.9) within group (order by t.ms)::float8 as p90,
      round(avg(t.business_ms))::float8 as bmean, percentile_disc(0.5) within group (order by t.business_ms)::float8 as bmed, percentile_disc(0.9) within group (order by t.business_ms)::float8 as bp90
    from report_times t join report_conversations rc on rc.conversation_id = t.conversation_id
    where t.kind in ('wait_bot', 'wait_human') and t.at >= ${from} and t.at < ${to} ${where}`.execute(db);
  const stat = (row: { n: number; mean: number | null; med: number | null; p90: number | null } | undefined): TimeStats =>
    row && row.n > 0 ? { count: row.n, meanMs: row.mean, medianMs: row.med, p90Ms: row.p90 } : { count: 0, meanMs: null, medianMs: null, p90Ms: null };
  const bstat = (row: { n: number; bmean: number | null; bmed: number | null; bp90: number | null } | undefined): TimeStats =>
    row && row.n > 0 ? { count: row.n, meanMs: row.bmean, medianMs: row.bmed, p90Ms: row.bp90 } : { count: 0, meanMs: null, medianMs: null, p90Ms: null };

  const inP = (col: string) => sql`rc.${sql.ref(col)} >= ${from} and rc.${sql.ref(col)} < ${to}`;
  const countsQ = sql<{ resolved: number; fcr: number; bot_resolved: number; bot_fcr: number; bot_handled: number; contained: number; handed_off: number }>`
    select
      count(*) filter (where ${inP('last_resolved_at')})::int as resolved,
      count(*) filter (where ${inP('last_resolved_at')} and rc.fcr)::int as fcr,
      count(*) filter (where ${inP('last_resolved_at')} and rc.bot_resolved)::int as bot_resolved,
      count(*) filter (where ${inP('last_resolved_at')} and rc.bot_resolved and rc.fcr)::int as bot_fcr,
      count(*) filter (where ${inP('created_at')} and rc.bot_handled)::int as bot_handled,
      count(*) filter (where ${inP('created_at')} and rc.bot_handled and rc.contained)::int as contained,
      count(*) filter (where ${inP('created_at')} and rc.bot_handled and rc.handoff_reason is not null)::int as handed_off
    from report_conversations rc
    where (${inP('last_resolved_at')} or ${inP('created_at')}) ${where}`.execute(db);
  const reasonsQ = sql<{ reason: string; n: number }>`
    select rc.handoff_reason as reason, count(*)::int as n from report_conversations rc
    where ${inP('created_at')} and rc.bot_handled and rc.handoff_reason is not null ${where} group by rc.handoff_reason`.execute(db);
  const withinQ = sql<{ channel: string; of: number; n: number }>`
    select rc.channel, count(*)::int as of, count(*) filter (where rc.first_resolved_at - rc.created_at <= interval '24 hours')::int as n
    from report_conversations rc where ${inP('created_at')} ${where} group by rc.channel`.execute(db);

  const backlogQ = sql<{ channel: string; team_id: number | null; created_at: Date }>`
    select rc.channel, rc.team_id, rc.created_at from report_segments s join report_conversations rc on rc.conversation_id = s.conversation_id
    where s.start_at <= ${to} and (s.resolved_at is null or s.resolved_at > ${to}) ${where}`.execute(db);

  const surveysQ = sql<{ csat_sent: number; csat_answered: number; csat_satisfied: number; csat_total: number | null; nps_answered: number; promoters: number; passives: number; detractors: number }>`
    select
      count(*) filter (where s.kind = 'csat' and s.event = 'sent')::int as csat_sent,
      count(*) filter (where s.kind = 'csat' and s.event = 'answered' and s.score is not null)::int as csat_answered,
      count(*) filter (where s.kind = 'csat' and s.event = 'answered' and s.score >= 4)::int as csat_satisfied,
      sum(s.score) filter (where s.kind = 'csat' and s.event = 'answered')::float8 as csat_total,
      count(*) filter (where s.kind = 'nps' and s.event = 'answered' and s.score is not null)::int as nps_answered,
      count(*) filter (where s.kind = 'nps' and s.event = 'answered' and s.score >= 9)::int as promoters,
      count(*) filter (where s.kind = 'nps' and s.event = 'answered' and s.score between 7 and 8)::int as passives,
      count(*) filter (where s.kind = 'nps' and s.event = 'answered' and s.score < 7)::int as detractors
    from report_surveys s join report_conversations rc on rc.conversation_id = s.conversation_id
    where s.at >= ${from} and s.at < ${to} ${where}`.execute(db);

  const activityQ = sql<{ channel: string; active: boolean; again: boolean }>`
    select e.channel, bool_or(e.at < ${to}) as active, bool_or(e.at >= ${to}) as again
    from conversation_events e join report_conversations rc on rc.conversation_id = e.conversation_id
    where e.type = 'message.received' and coalesce((e.data->>'passive')::boolean, false) = false and e.at >= ${from} and e.at < ${nextTo} ${where}
    group by e.channel, e.contact_id`.execute(db);
  // Independent queries: on PostgreSQL they run at once on the pool's connections.
  const [times, waitsAll, countsR, reasons, within, backlogRows, surveysR, activity, byAgent, byTeamRows] = await Promise.all([
    timesQ,
    waitsAllQ,
    countsQ,
    reasonsQ,
    withinQ,
    backlogQ,
    surveysQ,
    activityQ,
    groupRowsFromRollups(db, p, where, 'agent_id'),
    groupRowsFromRollups(db, p, where, 'team_id'),
  ]);
  const counts = countsR.rows[0]!;
  const surveys = surveysR.rows[0]!;
  const kind = (k: string) => times.rows.find((r) => r.kind === k);
  const allWaits = waitsAll.rows[0];
  const buckets: Record<BacklogBucket, number> = { lt1h: 0, h1to24: 0, d1to7: 0, gt7d: 0 };
  const byChannel: Record<string, number> = {};
  const byTeam: Record<string, number> = {};
  for (const r of backlogRows.rows) {
    buckets[backlogBucket(to.getTime() - new Date(r.created_at).getTime())]++;
    byChannel[r.channel] = (byChannel[r.channel] ?? 0) + 1;
    const team = r.team_id === null ? 'none' : String(r.team_id);
    byTeam[team] = (byTeam[team] ?? 0) + 1;
  }
  const retentionByChannel: Record<string, { count: number; of: number }> = {};
  let active = 0;
  let returned = 0;
  for (const r of activity.rows) {
    if (!r.active) continue;
    active++;
    const c = (retentionByChannel[r.channel] ??= { count: 0, of: 0 });
    c.of++;
    if (r.again) {
      returned++;
      c.count++;
    }
  }

  const withinAll = within.rows.reduce((a, r) => ({ n: a.n + r.n, of: a.of + r.of }), { n: 0, of: 0 });
  const summary: Summary = {
    period: { from: from.toISOString(), to: to.toISOString() },
    firstResponse: { ...stat(kind('first_response')), business: bstat(kind('first_response')) },
    humanFirstResponse: { ...stat(kind('human_first_response')), business: bstat(kind('human_first_response')) },
    responseTime: {
      all: stat(allWaits),
      bot: stat(kind('wait_bot')),
      human: stat(kind('wait_human')),
      business: { all: bstat(allWaits), bot: bstat(kind('wait_bot')), human: bstat(kind('wait_human')) },
    },
    fcr: { ...rate(counts.fcr, counts.resolved), bot: rate(counts.bot_fcr, counts.bot_resolved), human: rate(counts.fcr - counts.bot_fcr, counts.resolved - counts.bot_resolved) },
    botContainment: rate(counts.contained, counts.bot_handled),
    handoff: { ...rate(counts.handed_off, counts.bot_handled), byReason: Object.fromEntries(reasons.rows.map((r) => [r.reason, r.n])) },
    resolutionTime: { ...stat(kind('resolution')), business: bstat(kind('resolution')) },
    resolvedWithin24h: { ...rate(withinAll.n, withinAll.of), byChannel: Object.fromEntries(within.rows.map((r) => [r.channel, rate(r.n, r.of)])) },
    backlog: { at: to.toISOString(), total: backlogRows.rows.length, buckets, byChannel, byTeam },
    csat: {
      sent: surveys.csat_sent,
      answered: surveys.csat_answered,
      satisfied: surveys.csat_satisfied,
      score: surveys.csat_answered === 0 ? null : surveys.csat_satisfied / surveys.csat_answered,
      responseRate: surveys.csat_sent === 0 ? null : surveys.csat_answered / surveys.csat_sent,
      average: surveys.csat_answered === 0 ? null : (surveys.csat_total ?? 0) / surveys.csat_answered,
    },
    nps: {
      answered: surveys.nps_answered,
      promoters: surveys.promoters,
      passives: surveys.passives,
      detractors: surveys.detractors,
      score: surveys.nps_answered === 0 ? null : Math.round(((surveys.promoters - surveys.detractors) / surveys.nps_answered) * 1000) / 10,
    },
    retention: {
      active,
      returned,
      retention: active === 0 ? null : returned / active,
      churn: active === 0 ? null : (active - returned) / active,
      byChannel: Object.fromEntries(Object.entries(retentionByChannel).map(([ch, c]) => [ch, rate(c.count, c.of)])),
    },
  };
  return { ...summary, byAgent, byTeam: byTeamRows };
}

/** Per agent or team: the conversations touched in the period (a visit began or it was resolved) and their key figures. */
async function groupRowsFromRollups(db: Db, p: Period, where: RawBuilder<unknown>, column: 'agent_id' | 'team_id'): Promise<GroupRow[]> {
  const key = sql.ref(`rc.${column}`);
  const touched = sql`(rc.last_resolved_at >= ${p.from} and rc.last_resolved_at < ${p.to} or exists (select 1 from report_segments s where s.conversation_id = rc.conversation_id and s.start_at >= ${p.from} and s.start_at < ${p.to}))`;
  const baseQ = sql<{ id: number | null; conversations: number; resolved: number; fcr: number }>`
    select ${key} as id, count(*)::int as conversations,
      count(*) filter (where rc.last_resolved_at >= ${p.from} and rc.last_resolved_at < ${p.to})::int as resolved,
      count(*) filter (where rc.last_resolved_at >= ${p.from} and rc.last_resolved_at < ${p.to} and rc.fcr)::int as fcr
    from report_conversations rc where ${touched} ${where} group by ${key}`.execute(db);
  const timesQ = sql<{ id: number | null; frt: number | null; hfrt: number | null; wait_mean: number | null }>`
    select ${key} as id,
      percentile_disc(0.5) within group (order by t.ms) filter (where t.kind = 'first_response')::float8 as frt,
      percentile_disc(0.5) within group (order by t.ms) filter (where t.kind = 'human_first_response')::float8 as hfrt,
      round(avg(t.ms) filter (where t.kind in ('wait_bot', 'wait_human')))::float8 as wait_mean
    from report_times t join report_conversations rc on rc.conversation_id = t.conversation_id
    where t.at >= ${p.from} and t.at < ${p.to} and ${touched} ${where} group by ${key}`.execute(db);
  const csatQ = sql<{ id: number | null; answered: number; satisfied: number }>`
    select ${key} as id, count(*)::int as answered, count(*) filter (where s.score >= 4)::int as satisfied
    from report_surveys s join report_conversations rc on rc.conversation_id = s.conversation_id
    where s.kind = 'csat' and s.event = 'answered' and s.score is not null and s.at >= ${p.from} and s.at < ${p.to} and ${touched} ${where} group by ${key}`.execute(db);
  const [base, times, csat] = await Promise.all([baseQ, timesQ, csatQ]);
  return base.rows
    .map((b) => {
      const t = times.rows.find((r) => r.id === b.id);
      const c = csat.rows.find((r) => r.id === b.id);
      return {
        id: b.id,
        conversations: b.conversations,
        resolved: b.resolved,
        fcrRate: b.resolved === 0 ? null : b.fcr / b.resolved,
        firstResponseMedianMs: t?.frt ?? null,
        humanFirstResponseMedianMs: t?.hfrt ?? null,
        responseTimeMeanMs: t?.wait_mean ?? null,
        csatScore: c && c.answered > 0 ? c.satisfied / c.answered : null,
        csatAnswered: c?.answered ?? 0,
      };
    })
    .sort((a, b) => (a.id ?? -1) - (b.id ?? -1));
}

function filterSql(f: ReportFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (f.inboxId !== undefined) parts.push(sql`and rc.inbox_id = ${f.inboxId}`);
  if (f.channel !== undefined) parts.push(sql`and rc.channel = ${f.channel}`);
  if (f.teamId !== undefined) parts.push(sql`and rc.team_id = ${f.teamId}`);
  if (f.agentId !== undefined) parts.push(sql`and rc.agent_id = ${f.agentId}`);
  return parts.length === 0 ? sql`` : sql.join(parts, sql` `);
}
