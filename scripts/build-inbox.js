#!/usr/bin/env node
'use strict';
/**
 * Bundles the agent inbox (Preact + socket.io-client) with esbuild:
 *   inbox/src/main.ts    → inbox.js   (minified, es2019, browser iife)
 *   inbox/src/styles.css → inbox.css  (minified)
 *   inbox/src/charts/uplot-chunk.ts → inbox-charts.js (uPlot; loaded by the reports screen only)
 * into inbox/dist (served at /inbox/assets/*; inbox/index.html loads them), and prints
 * the sizes.
 *
 *   node scripts/build-inbox.js [--outdir DIR]      (default inbox/dist)
 *   require('./scripts/build-inbox').buildInbox({ outdir }) → { files, totalGzipBytes }
 */
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { Buffer } = require('node:buffer');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const KB = 1024;

const common = {
  bundle: true,
  minify: true,
  target: 'es2019',
  platform: 'browser',
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'silent',
  tsconfig: path.join(ROOT, 'inbox', 'tsconfig.json'),
};

function bundle(entry, options = {}) {
  const result = esbuild.buildSync({ ...common, ...options, entryPoints: [path.join(ROOT, entry)] });
  return Buffer.from(result.outputFiles[0].contents);
}

const gzipSize = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

/** Build inbox.js and inbox.css into `outdir`; returns their sizes. */
function buildInbox({ outdir = path.join(ROOT, 'inbox', 'dist') } = {}) {
  // The bundle is generated code: keep linters of the repository off it.
  const js = bundle('inbox/src/main.ts', { format: 'iife', banner: { js: '/* eslint-disable */' } });
  const css = bundle('inbox/src/styles.css', { loader: { '.css': 'css' } });
  // The chart library in a bundle of its own, fetched on the reports screen (agents never load it).
  const charts = bundle('inbox/src/charts/uplot-chunk.ts', { format: 'iife', banner: { js: '/* eslint-disable */' } });
  fs.mkdirSync(outdir, { recursive: true });
  const files = [
    { name: 'inbox.js', data: js },
    { name: 'inbox.css', data: css },
    { name: 'inbox-charts.js', data: charts },
  ].map(({ name, data }) => {
    fs.writeFileSync(path.join(outdir, name), data);
    return { name, bytes: data.length, gzipBytes: gzipSize(data) };
  });
  return { outdir, files, totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

function kb(bytes) {
  return `${(bytes / KB).toFixed(1)} KB`;
}

function main() {
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]) : undefined;
  let result;
  try {
    result = buildInbox(outdir ? { outdir } : {});
  } catch (err) {
    // esbuild's own errors already name file and line.
    console.error(`build-inbox: bundling failed\n${err && err.message ? err.message : err}`);
    process.exit(1);
  }
  const rows = [
    ...result.files.map((f) => [f.name, `${kb(f.gzipBytes)} gzip`, `(${kb(f.bytes)} raw)`]),
    ['total', `${kb(result.totalGzipBytes)} gzip`, ''],
  ];
  const width = rows.map((r) => r.map((c) => c.length)).reduce((w, r) => w.map((x, i) => Math.max(x, r[i])));
  console.log(`inbox → ${path.relative(process.cwd(), result.outdir) || '.'}`);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd());
}

module.exports = { buildInbox };
if (require.main === module) main();
