#!/usr/bin/env node
import fs from 'node:fs';
import { ConfigError, type GatewayConfig } from '../src/config/config';
import { loadSettings, type Settings } from './settings';
import { isGatewayError } from '../src/core/errors';
import { openStore } from '../src/store/database';
import { migrateToLatest } from '../src/store/migrate';
import { composeGateway } from './compose';
import { DEMO, seedDemo } from './demo-seed';
import { runFaqCommand } from './faq-command';
import { runSimulator } from './simulate';

const USAGE = `Usage: omnigate <command>

Commands:
  start [--demo]   migrate, then serve (with --demo: seed the demo shop into an empty database)
  migrate          apply pending database migrations and exit
  seed-demo        add the demo shop (website inbox, team, agents, FAQ) and exit
  simulate messenger|zalo
                   a local stand-in for Facebook or Zalo: type as a customer, see the bot and agents answer
  faq ask --faq FILE "question" | --batch FILE
                   match questions against an FAQ file, one JSON line each
  help             show this text

Configuration comes from the environment and an optional .env file (see .env.example).`;

/** Exit codes: 0 ok, 1 runtime failure, 2 bad configuration or usage. */
async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'faq') return runFaqCommand(rest, (l) => process.stdout.write(`${l}\n`), (l) => process.stderr.write(`${l}\n`));
  if (!['start', 'migrate', 'seed-demo', 'simulate'].includes(command)) {
    process.stderr.write(`omnigate: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  if (command === 'simulate') {
    // its own database and any free port by default, so it runs beside a started gateway
    const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', PORT: process.env.PORT ?? '0', DATA_DIR: process.env.DATA_DIR ?? `./data/simulator-${rest[0] ?? ''}` };
    return runSimulator(rest[0] ?? '', env);
  }
  const settings = loadSettings(process.env);
  if (command === 'migrate') return runMigrate(settings.core);
  if (command === 'seed-demo') return runSeed(settings.core);
  return runStart(settings, rest.includes('--demo'));
}

async function runMigrate(config: GatewayConfig): Promise<number> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, preparedStatements: config.databasePreparedStatements });
  try {
    const { applied } = await migrateToLatest(store.db as never);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return 0;
  } finally {
    await store.close();
  }
}

async function runSeed(config: GatewayConfig): Promise<number> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, preparedStatements: config.databasePreparedStatements });
  try {
    await migrateToLatest(store.db as never);
    const report = await seedDemo(store.db, { onlyIfEmpty: false });
    process.stdout.write(`demo shop ready: inbox ${report.inboxId}, ${report.faqEntries} FAQ entries\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function runStart(settings: Settings, demo: boolean): Promise<number> {
  const config = settings.core;
  const gateway = await composeGateway(settings);
  const seeded = demo ? await seedDemo(gateway.db) : null;
  const url = await gateway.listen();
  const base = gateway.publicUrl();
  const lines = [
    `Omnigate is running on ${url} (database: ${gateway.store.kind === 'pglite' ? `embedded, in ${config.dataDir}` : 'PostgreSQL'})`,
    `  demo shop with chat widget:  ${base}/`,
    `  agent inbox:                 ${base}/inbox`,
    `  health / readiness:          ${base}/healthz  ${base}/readyz`,
  ];
  if (demo) {
    lines.push(`  demo agent login:            ${DEMO.agent.email} / ${DEMO.agent.password}`);
    lines.push(`  demo supervisor login:       ${DEMO.supervisor.email} / ${DEMO.supervisor.password}`);
    if (seeded?.seeded) lines.push(`  (demo data seeded: ${seeded.faqEntries} FAQ entries)`);
  }
  if (settings.messenger) lines.push(`  Messenger webhook:           ${base}/webhooks/messenger (${Object.keys(settings.messenger.pages).length} Page(s))`);
  if (settings.zalo) lines.push(`  Zalo OA webhook:             ${base}/webhooks/zalo (OA ${settings.zalo.oaId})`);
  process.stdout.write(`${lines.join('\n')}\n`);
  gateway.logger.info({ url, store: gateway.store.kind }, 'omnigate started');
  // A stray rejected promise must not take every conversation down with it (Node 20 exits on one by default).
  process.on('unhandledRejection', (err) => gateway.logger.error({ err }, 'unhandled promise rejection'));

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      gateway.logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await gateway.close();
  gateway.logger.info('stopped cleanly');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`omnigate: ${err.message}\nSee .env.example for every variable.\n`);
      process.exitCode = 2;
    } else if (isGatewayError(err)) {
      process.stderr.write(`omnigate: ${err.message} [${err.code}]\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`omnigate: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
