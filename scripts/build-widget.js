#!/usr/bin/env node
'use strict';
/**
 * Bundles the website chat widget with esbuild and checks its size budget:
 *   widget/src/loader.ts      → widget.js        (the embed script; ≤ 8 KB gzip)
 *   widget/src/panel/index.ts → widget-panel.js  (chat panel + socket.io-client)
 * and everything the widget loads together ≤ 45 KB gzip. Exits 1 over budget.
 *
 *   node scripts/build-widget.js [--outdir DIR]      (default widget/dist)
 *   require('./scripts/build-widget').buildWidget({ outdir }) → { files, ok }
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { Buffer } = require('node:buffer');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const KB = 1024;
const BUDGET = { loader: 8 * KB, total: 45 * KB };

const common = {
  bundle: true,
  minify: true,
  target: 'es2019',
  format: 'iife',
  platform: 'browser',
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'silent',
  tsconfig: path.join(ROOT, 'tsconfig.json'),
};

function bundle(entry, define) {
  const result = esbuild.buildSync({ ...common, entryPoints: [path.join(ROOT, entry)], define });
  return Buffer.from(result.outputFiles[0].contents);
}

const gzipSize = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

/** Build both bundles into `outdir`; returns their sizes and whether the budget holds. */
function buildWidget({ outdir = path.join(ROOT, 'widget', 'dist') } = {}) {
  const panel = bundle('widget/src/panel/index.ts');
  // The loader asks for widget-panel.js?v=<hash>, so a cached old panel is never reused.
  const version = crypto.createHash('sha256').update(panel).digest('hex').slice(0, 12);
  const loader = bundle('widget/src/loader.ts', { __OG_PANEL_VERSION__: JSON.stringify(version) });
  fs.mkdirSync(outdir, { recursive: true });
  const files = [
    { name: 'widget.js', data: loader },
    { name: 'widget-panel.js', data: panel },
  ].map(({ name, data }) => {
    fs.writeFileSync(path.join(outdir, name), data);
    return { name, bytes: data.length, gzipBytes: gzipSize(data) };
  });
  const total = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  const problems = [];
  if (files[0].gzipBytes > BUDGET.loader) problems.push(`widget.js is ${kb(files[0].gzipBytes)} gzip, over its ${kb(BUDGET.loader)} budget`);
  if (total > BUDGET.total) problems.push(`the widget loads ${kb(total)} gzip in all, over the ${kb(BUDGET.total)} budget`);
  return { files, totalGzipBytes: total, version, ok: problems.length === 0, problems };
}

function kb(bytes) {
  return `${(bytes / KB).toFixed(1)} KB`;
}

function main() {
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]) : undefined;
  let result;
  try {
    result = buildWidget(outdir ? { outdir } : {});
  } catch (err) {
    // esbuild's own errors already name file and line.
    console.error(`build-widget: bundling failed\n${err && err.message ? err.message : err}`);
    process.exit(1);
  }
  const rows = [
    ...result.files.map((f) => [f.name, `${kb(f.gzipBytes)} gzip`, `(${kb(f.bytes)} raw)`, f.name === 'widget.js' ? `(budget ${kb(BUDGET.loader)})` : '']),
    ['total', `${kb(result.totalGzipBytes)} gzip`, '', `(budget ${kb(BUDGET.total)})`],
  ];
  const width = rows.map((r) => r.map((c) => c.length)).reduce((w, r) => w.map((x, i) => Math.max(x, r[i])));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd());
  if (!result.ok) {
    for (const p of result.problems) console.error(`build-widget: ${p}`);
    process.exit(1);
  }
}

module.exports = { buildWidget, BUDGET };
if (require.main === module) main();
