/**
 * `npm run bench`: performance figures, each beside a reference measured in the same run
 * so a ratio can be read on a noisy machine. Never part of the tests. Bounded in time;
 * loopback only. Writes bench/results.md and bench/results.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { benchIngest } from '../bench/ingest-bench';

interface Row {
  figure: string;
  value: string;
  reference: string;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const json: Record<string, number> = {};

  const ingest = await benchIngest();
  rows.push({
    figure: `pipeline ingest, embedded store (${ingest.messages} messages, 50 conversations)`,
    value: `${ingest.pipelinePerSecond.toFixed(0)} msg/s`,
    reference: `${ingest.bareInsertPerSecond.toFixed(0)} bare INSERT/s (ratio ${ingest.ratio.toFixed(2)})`,
  });
  Object.assign(json, { 'pipeline.per_second': ingest.pipelinePerSecond, 'pipeline.bare_insert_per_second': ingest.bareInsertPerSecond, 'pipeline.ratio': ingest.ratio });

  const faqBench = path.join(__dirname, '..', 'bots', 'faq', 'bench.ts');
  if (fs.existsSync(faqBench)) {
    const { benchFaqMatch } = (await import(faqBench)) as { benchFaqMatch: (sizes?: number[]) => Promise<{ size: number; p50: number; p99: number }[]> | { size: number; p50: number; p99: number }[] };
    for (const r of await benchFaqMatch()) {
      rows.push({ figure: `FAQ match, ${r.size} entries`, value: `p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms`, reference: '—' });
      json[`faq.p50_ms_${r.size}`] = r.p50;
      json[`faq.p99_ms_${r.size}`] = r.p99;
    }
  }

  const table = ['| figure | value | reference (same run) |', '|---|---|---|', ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.reference} |`)].join('\n');
  process.stdout.write(`${table}\n`);
  const dir = path.join(__dirname, '..', 'bench');
  fs.writeFileSync(path.join(dir, 'results.md'), `# Benchmark results\n\nRun ${new Date().toISOString()} on ${process.version}.\n\n${table}\n`);
  fs.writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
