import { sql } from 'kysely';
import { openStore } from '../src/store/database';
import { migrateToLatest } from '../src/store/migrate';
import { summaryFromRollups } from '../src/reports/rollup-reports';
import { ReportService } from '../src/reports/report-service';
import { recomputeDayRollups } from '../src/reports/day-rollups';
import { startCluster } from '../test/support/postgres-cluster';
import { Client } from 'pg';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ReportBench {
  conversations: number;
  timeRows: number;
  generateSeconds: number;
  /** Median of the timed runs of the 90-day summary, all filters off. */
  summaryMs: number;
  /** The same with a channel filter. */
  filteredSummaryMs: number;
  /** The same for one team (a fifth of the conversations; percentiles sorted). */
  teamSummaryMs: number;
  /** The median first response per local day over the 90 days (the reports screen's chart). */
  seriesMs: number;
  /** Reference: a bare count over the same 90 days of report_times. */
  bareCountMs: number;
}

const DAY = 86_400_000;

/**
 * The 90-day report over a generated history on a throwaway PostgreSQL: `n` conversations
 * spread over 90 days on three inboxes, 50 agents and 5 teams, with their report rows
 * (first response, waits, resolution), visits, surveys and contact messages. Generated in
 * SQL (generate_series), so it is the query that is
 * measured, not the generator. Timed three times; the median counts.
 */
export async function benchReports(n = Number(process.env.OMNIGATE_BENCH_CONVERSATIONS ?? 1_000_000)): Promise<ReportBench | null> {
  let cluster;
  try {
    cluster = await startCluster();
  } catch (err) {
    process.stderr.write(`report bench skipped: PostgreSQL could not be started (${(err as Error).message})\n`);
    return null;
  }
  const admin = new Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('CREATE DATABASE report_bench');
  await admin.end();
  const url = new URL(cluster.url);
  url.pathname = '/report_bench';
  const store = await openStore({ databaseUrl: url.toString(), dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-report-bench-')) });
  try {
    await migrateToLatest(store.db as never);
    const db = store.db;
    const end = new Date('2026-11-01T00:00:00Z');
    const start = new Date(end.getTime() - 90 * DAY);
    const t0 = Date.now();
    await sql`insert into inboxes (channel, account_id, name, settings) values ('widget', 'w', 'Web', '{}'), ('messenger', 'p', 'Page', '{}'), ('zalo', 'z', 'OA', '{}')`.execute(db);
    await sql`insert into teams (name) select 'team ' || g from generate_series(1, 5) g`.execute(db);
    await sql`insert into contacts (name) select 'contact ' || g from generate_series(1, ${Math.ceil(n / 5)}) g`.execute(db);
    await sql`set synchronous_commit = off`.execute(db);
    // Conversations: created uniformly over the 90 days; all resolved but a seventh of the last two days' (the backlog).
    await sql`
      insert into conversations (inbox_id, contact_id, status, created_at, updated_at, resolved_at)
      select 1 + (g % 3), 1 + (g % ${Math.ceil(n / 5)}), case when g % 7 = 0 and g > ${n} * 88 / 90 then 'open' else 'resolved' end,
        ${start}::timestamptz + (g::float8 / ${n}) * interval '90 days', now(), null
      from generate_series(1, ${n}) g`.execute(db);
    await sql`
      insert into report_conversations (conversation_id, last_event_id, inbox_id, channel, contact_id, team_id, agent_id, created_at, bot_handled, handoff_reason, contained, first_resolved_at, last_resolved_at, last_reopened_at, fcr, bot_resolved)
      select c.id, c.id, c.inbox_id, (array['widget','messenger','zalo'])[c.inbox_id], c.contact_id, 1 + (c.id % 5), case when c.id % 3 = 0 then null else 1 + (c.id % 50) end, c.created_at,
        c.id % 4 <> 0, case when c.id % 3 = 1 then (array['requested','low_confidence','negative_feedback'])[1 + c.id % 3] end, c.id % 3 = 0 and c.status = 'resolved',
        case when c.status = 'resolved' then c.created_at + (c.id % 600) * interval '1 minute' end,
        case when c.status = 'resolved' then c.created_at + (c.id % 600) * interval '1 minute' end,
        null, c.id % 5 <> 0, c.id % 3 = 0
      from conversations c`.execute(db);
    for (const [kind, share] of [['first_response', 1], ['human_first_response', 3], ['wait_bot', 1], ['wait_human', 2], ['resolution', 1]] as const) {
      await sql`
        insert into report_times (conversation_id, inbox_id, channel, team_id, agent_id, kind, at, ms, business_ms)
        select r.conversation_id, r.inbox_id, r.channel, r.team_id, r.agent_id, ${kind}, r.created_at + (r.conversation_id % 17) * interval '1 second',
          (r.conversation_id::bigint * 7919) % 3600000, (r.conversation_id::bigint * 104729) % 3600000
        from report_conversations r where r.conversation_id % ${share} = 0`.execute(db);
    }
    await sql`
      insert into report_segments (conversation_id, inbox_id, channel, team_id, agent_id, created_at, start_at, resolved_at)
      select conversation_id, inbox_id, channel, team_id, agent_id, created_at, created_at, last_resolved_at from report_conversations`.execute(db);
    await sql`
      insert into report_surveys (conversation_id, inbox_id, channel, team_id, agent_id, kind, event, at, score)
      select conversation_id, inbox_id, channel, team_id, agent_id, 'csat', e, last_resolved_at, case when e = 'answered' then 1 + conversation_id % 5 end
      from report_conversations, unnest(array['sent','answered']) e where conversation_id % 3 = 0 and last_resolved_at is not null`.execute(db);
    // One or two contact messages per conversation (retention).
    await sql`
      insert into report_activity (conversation_id, inbox_id, channel, team_id, agent_id, contact_id, at)
      select conversation_id, inbox_id, channel, team_id, agent_id, contact_id, created_at + k * interval '3 minutes'
      from report_conversations, generate_series(0, conversation_id % 2) k`.execute(db);
    // The day tables and activity links, as the writer keeps them.
    await recomputeDayRollups(db);
    await sql`vacuum analyze`.execute(db);
    const generateSeconds = (Date.now() - t0) / 1000;
    const timeRows = Number((await sql<{ n: number }>`select count(*)::int as n from report_times`.execute(db)).rows[0]!.n);

    // 90 local days in Vietnam (UTC+7): the period starts and ends at 17:00 UTC, so the partial UTC days at its ends are read from the raw rows.
    const period = { from: new Date(start.getTime() - 7 * 3_600_000), to: new Date(end.getTime() - 7 * 3_600_000) };
    const timed = async (fn: () => Promise<unknown>) => {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const s = process.hrtime.bigint();
        await fn();
        runs.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      return runs.sort((a, b) => a - b)[1]!;
    };
    const summaryMs = await timed(() => summaryFromRollups(db, period, {}));
    const filteredSummaryMs = await timed(() => summaryFromRollups(db, period, { channel: 'zalo' }));
    const teamSummaryMs = await timed(() => summaryFromRollups(db, period, { teamId: 2 }));
    const service = new ReportService({ db });
    const seriesMs = await timed(() => service.timeseries(period, {}, 'firstResponseMedian', 'day', 'Asia/Ho_Chi_Minh'));
    const bareCountMs = await timed(() => sql`select count(*) from report_times where at >= ${period.from} and at < ${period.to}`.execute(db));
    return { conversations: n, timeRows, generateSeconds, summaryMs, filteredSummaryMs, teamSummaryMs, seriesMs, bareCountMs };
  } finally {
    await store.close();
    cluster.stop();
  }
}
