#!/usr/bin/env node
'use strict';
/** `npm run build`: compile the server (tsc) and bundle the browser code (esbuild), then stamp. */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
for (const bundle of ['build-widget.js', 'build-inbox.js']) {
  const script = path.join(root, 'scripts', bundle);
  if (fs.existsSync(script)) run(process.execPath, [script]);
}
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'dist', '.build-stamp'), new Date().toISOString());
