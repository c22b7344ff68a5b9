/**
 * `npm run bench`: performance figures, each beside a reference measured in the same run
 * so a ratio can be read on a noisy machine. Never part of the tests. Bounded in time;
 * loopback only. Writes bench/results.md and bench/results.json.
 *
 * `npm run bench -- delivery memory` runs only the parts named (ingest, paths, rollups,
 * webhook, faq, reports, delivery, memory); their figures are merged into the existing results.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { benchIngest } from '../bench/ingest-bench';
import { benchIngestPaths } from '../bench/ingest-paths-bench';
import { BATCH as ROLLUP_BATCH, benchRollups } from '../bench/rollup-bench';
import { storeLabel } from '../bench/pipeline-fixture';
import { benchWebhooks, type GatewayFigures } from '../bench/webhook-bench';
import { benchReports } from '../bench/report-bench';
import { benchRealtime, realtimeRows, TARGET_RATIO as REALTIME_TARGET } from '../bench/realtime-bench';

const PARTS = ['ingest', 'paths', 'rollups', 'webhook', 'faq', 'reports', 'delivery', 'memory'];

interface Row {
  figure: string;
  value: string;
  reference: string;
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknownParts = asked.filter((a) => !PARTS.includes(a));
  if (unknownParts.length > 0) throw new Error(`unknown part ${unknownParts.join(', ')}: name some of ${PARTS.join(', ')} (none = all)`);
  const want = (part: string) => asked.length === 0 || asked.includes(part);
  const rows: Row[] = [];
  const json: Record<string, number> = {};
  const verdicts: string[] = [];
  // The issue's target: the gateway acknowledges at least half as fast as a receiver that stores nothing.
  const TARGET_RATIO = 0.5;

  if (want('ingest')) {
    const ingest = await benchIngest();
    rows.push({
      figure: `pipeline ingest, embedded store (${ingest.messages} messages, 50 conversations)`,
      value: `${ingest.pipelinePerSecond.toFixed(0)} msg/s`,
      reference: `${ingest.bareInsertPerSecond.toFixed(0)} bare INSERT/s (ratio ${ingest.ratio.toFixed(2)})`,
    });
    Object.assign(json, { 'pipeline.per_second': ingest.pipelinePerSecond, 'pipeline.bare_insert_per_second': ingest.bareInsertPerSecond, 'pipeline.ratio': ingest.ratio });
  }

  // The inbound fast path (migration 0012) beside the general path, one message after another.
  if (want('paths')) {
    const { figures, notice } = await benchIngestPaths();
    if (notice) process.stderr.write(`notice: ${notice}\n`);
    for (const f of figures) {
      const label = storeLabel(f.kind);
      rows.push({
        figure: `one inbound message into an open conversation, pipeline, ${label} (${f.messages} messages one after another, the paths taking turns in blocks of 50)`,
        value: `fast path: p50 ${f.fast.p50.toFixed(2)} ms, p99 ${f.fast.p99.toFixed(2)} ms`,
        reference: `general path (one transaction, six round trips): p50 ${f.general.p50.toFixed(2)} ms, p99 ${f.general.p99.toFixed(2)} ms (p50 ratio ${(f.fast.p50 / f.general.p50).toFixed(2)})`,
      });
      const key = f.kind === 'postgres' ? 'pg' : 'pglite';
      Object.assign(json, { [`paths.${key}.fast_p50_ms`]: f.fast.p50, [`paths.${key}.fast_p99_ms`]: f.fast.p99, [`paths.${key}.general_p50_ms`]: f.general.p50, [`paths.${key}.general_p99_ms`]: f.general.p99 });
    }
  }

  // The report rollups' rewrite once a second (on PGlite it holds the connection inbound messages need).
  if (want('rollups')) {
    const { figures, notice } = await benchRollups();
    if (notice) process.stderr.write(`notice: ${notice}\n`);
    for (const f of figures.flat()) {
      const label = storeLabel(f.kind);
      rows.push({
        figure: `report rollups: one rewrite of ${ROLLUP_BATCH} conversations with one new message each, ${f.history} messages per conversation, ${label}`,
        value: `p50 ${f.warm.p50.toFixed(2)} ms, p99 ${f.warm.p99.toFixed(2)} ms`,
        reference: `the same rewrite by a writer that has not read these conversations (whole logs read): p50 ${f.cold.p50.toFixed(2)} ms, p99 ${f.cold.p99.toFixed(2)} ms (p50 ratio ${(f.warm.p50 / f.cold.p50).toFixed(2)})`,
      });
      const key = `rollups.${f.kind === 'postgres' ? 'pg' : 'pglite'}.history_${f.history}`;
      Object.assign(json, { [`${key}.p50_ms`]: f.warm.p50, [`${key}.p99_ms`]: f.warm.p99, [`${key}.cold_p50_ms`]: f.cold.p50 });
    }
  }

  if (want('webhook')) {
    const webhooks = await benchWebhooks();
    const { bare } = webhooks;
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const webhookRow = (label: string, key: string, g: GatewayFigures) => {
      const met = g.ratio >= TARGET_RATIO;
      verdicts.push(`${label} ${met ? 'met' : 'NOT met'} (${g.ratio.toFixed(2)})`);
      rows.push({
        figure: `Messenger webhook ack, ${label} (${webhooks.webhooks} webhooks, concurrency ${webhooks.concurrency})`,
        value: `${g.perSecond.toFixed(0)} req/s, p50 ${ms(g.p50)}, p99 ${ms(g.p99)}; stored end to end ${g.storedPerSecond.toFixed(0)} msg/s${g.failed ? `; ${g.failed} not acknowledged` : ''}${g.stored < g.acknowledged ? `; only ${g.stored} stored` : ''}`,
        reference: `bare Express verify+200: ${bare.perSecond.toFixed(0)} req/s, p50 ${ms(bare.p50)}, p99 ${ms(bare.p99)} (ratio ${g.ratio.toFixed(2)}, target ≥ ${TARGET_RATIO.toFixed(2)} ${met ? 'met' : 'not met'})`,
      });
      Object.assign(json, {
        [`webhook.${key}.per_second`]: g.perSecond,
        [`webhook.${key}.p50_ms`]: g.p50,
        [`webhook.${key}.p99_ms`]: g.p99,
        [`webhook.${key}.stored_per_second`]: g.storedPerSecond,
        [`webhook.${key}.ratio`]: g.ratio,
      });
    };
    if (webhooks.postgres) {
      webhookRow('PostgreSQL', 'pg', webhooks.postgres);
      json['ingest.ratio'] = webhooks.postgres.ratio; // the issue's headline figure: PostgreSQL vs the bare endpoint
    }
    else process.stderr.write(`notice: ${webhooks.notice}\n`);
    webhookRow('PGlite', 'pglite', webhooks.pglite);
    Object.assign(json, { 'webhook.bare.per_second': bare.perSecond, 'webhook.bare.p50_ms': bare.p50, 'webhook.bare.p99_ms': bare.p99 });
  }

  const faqBench = path.join(__dirname, '..', 'bots', 'faq', 'bench.ts');
  if (want('faq') && fs.existsSync(faqBench)) {
    const { benchFaqMatch } = (await import(faqBench)) as { benchFaqMatch: (sizes?: number[]) => Promise<{ size: number; p50: number; p99: number }[]> | { size: number; p50: number; p99: number }[] };
    for (const r of await benchFaqMatch()) {
      rows.push({ figure: `FAQ match, ${r.size} entries`, value: `p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms`, reference: '—' });
      json[`faq.p50_ms_${r.size}`] = r.p50;
      json[`faq.p99_ms_${r.size}`] = r.p99;
    }
  }

  // issue #8: the 90-day report over a million conversations in under a second on PostgreSQL.
  const reports = want('reports') ? await benchReports() : null;
  if (reports) {
    const REPORT_TARGET_MS = 1000;
    const met = reports.summaryMs < REPORT_TARGET_MS;
    verdicts.push(`90-day report ${met ? 'met' : 'NOT met'} (${reports.summaryMs.toFixed(0)} ms)`);
    rows.push({
      figure: `90-day report summary, PostgreSQL, ${reports.conversations.toLocaleString('en')} conversations (${reports.timeRows.toLocaleString('en')} timed rows; data made in ${reports.generateSeconds.toFixed(0)} s)`,
      value: `all: ${reports.summaryMs.toFixed(0)} ms; one channel: ${reports.filteredSummaryMs.toFixed(0)} ms; one team: ${reports.teamSummaryMs.toFixed(0)} ms; daily median first response (90 points): ${reports.seriesMs.toFixed(0)} ms`,
      reference: `a bare count(*) of the period's timed rows: ${reports.bareCountMs.toFixed(0)} ms (target < ${REPORT_TARGET_MS} ms ${met ? 'met' : 'not met'})`,
    });
    const size = reports.conversations === 1_000_000 ? '1m' : String(reports.conversations);
    Object.assign(json, {
      [`reports.summary_ms_${size}`]: reports.summaryMs,
      [`reports.channel_summary_ms_${size}`]: reports.filteredSummaryMs,
      [`reports.team_summary_ms_${size}`]: reports.teamSummaryMs,
      [`reports.series_ms_${size}`]: reports.seriesMs,
      [`reports.bare_count_ms_${size}`]: reports.bareCountMs,
    });
  } else if (want('reports')) {
    process.stderr.write('notice: report bench skipped (no PostgreSQL server)\n');
  }

  // issue #9: widget → agent delivery p99 and memory per idle widget connection, each ≤ 2× bare Socket.IO's.
  if (want('delivery') || want('memory')) {
    const realtime = await benchRealtime({ delivery: want('delivery'), memory: want('memory') });
    if (realtime.notice) process.stderr.write(`notice: ${realtime.notice}\n`);
    const r = realtimeRows(realtime);
    rows.push(...r.rows);
    Object.assign(json, r.json);
    verdicts.push(...r.verdicts);
  }

  const table = ['| figure | value | reference (same run) |', '|---|---|---|', ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.reference} |`)].join('\n');
  process.stdout.write(`${table}\n\ntargets — webhook ingest (ack rate ≥ ${TARGET_RATIO * 100} % of the bare endpoint's), report (< 1 s), delivery p99 and memory per idle widget connection (≤ ${REALTIME_TARGET}× bare Socket.IO's): ${verdicts.join('; ')}\n`);
  const dir = path.join(__dirname, '..', 'bench');
  // Only some parts run: the other figures of the last runs stay in results.json.
  const previous = asked.length > 0 && fs.existsSync(path.join(dir, 'results.json')) ? (JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as Record<string, number>) : {};
  const partsLine = asked.length > 0 ? `Parts run: ${asked.join(', ')} (the other figures in results.json are from earlier runs).\n\n` : '';
  fs.writeFileSync(path.join(dir, 'results.md'), `# Benchmark results\n\nRun ${new Date().toISOString()} on ${process.version}.\n\n${partsLine}${table}\n\nTargets: ${verdicts.join('; ') || '—'}\n`);
  fs.writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify({ ...previous, ...json }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
