#!/usr/bin/env node
'use strict';
/**
 * `npm start`: build when any source is newer than the last build, then run
 * `omnigate start --demo` (migrations applied, demo shop seeded into an empty database).
 * Extra arguments are passed on: `npm start -- --no-demo` starts without demo data.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const SOURCES = ['src', 'app', 'channels', 'bots', 'widget', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    max = Math.max(max, newestMtime(path.join(p, entry)));
  }
  return max;
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
const newest = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
if (newest > built) {
  process.stdout.write('Building Omnigate…\n');
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const args = process.argv.slice(2);
const demo = !args.includes('--no-demo');
const cliArgs = ['start', ...(demo ? ['--demo'] : []), ...args.filter((a) => a !== '--no-demo')];
const child = require('node:child_process').spawn(process.execPath, [path.join(root, 'dist', 'app', 'cli.js'), ...cliArgs], { stdio: 'inherit', cwd: root });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
