import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { loadConfig } from '../src/config/config';
import { createGateway } from '../src/server/gateway';
import { openStore } from '../src/store/database';
import { createInbox } from '../src/store/repos/inboxes';
import { createMessengerChannel, loadMessengerConfig, WEBHOOK_PATH } from '../channels/messenger';
import { verifySignature } from '../channels/messenger/verify';
import { signedWebhook, startFakeGraph, textItem } from '../channels/messenger/simulator';
import { startBenchPostgres } from './pg-cluster';

/**
 * Signed Messenger webhooks per second and acknowledgement latency through the real
 * gateway (verify → INSERT into inbound_events → 200, processing after the ack), beside a
 * bare Express endpoint that only verifies the signature — same bodies, same load.
 *
 * The load generator runs in a child process: in the server's own event loop, its request
 * and response handling would cost both endpoints the same absolute time and squeeze the
 * ratio towards 1. Loopback only; bounded by count and time.
 */

const PAGE = '104500000000001';
const TOKEN = 'EAAGbenchpagetoken';
const SECRET = 'bench-app-secret-0001';
const LOAD_LIMIT_MS = 60_000;
const STORE_LIMIT_MS = 60_000;
const LOAD_FLAG = '--webhook-load-generator';

export interface LoadFigures {
  /** Requests answered 200 in the measured window. */
  acknowledged: number;
  failed: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export interface GatewayFigures extends LoadFigures {
  /** Messages stored per second, from the first measured request to the last message committed. */
  storedPerSecond: number;
  stored: number;
  /** perSecond / the bare endpoint's perSecond. */
  ratio: number;
}

export interface WebhookBenchResult {
  webhooks: number;
  concurrency: number;
  bare: LoadFigures;
  pglite: GatewayFigures;
  /** null when no PostgreSQL server could be started (`notice` says why). */
  postgres: GatewayFigures | null;
  notice: string | null;
}

interface Request {
  body: string;
  headers: Record<string, string>;
}

interface LoadJob {
  url: string;
  concurrency: number;
  warmup: Request[];
  measured: Request[];
}

interface LoadReport {
  /** Epoch ms when the measured requests started (compared with commit times in the parent). */
  startedAt: number;
  seconds: number;
  latencies: number[];
  failed: number;
}

export async function benchWebhooks(webhooks = 2000, concurrency = 32, contacts = 200): Promise<WebhookBenchResult> {
  // Every body is a new message id; a body's mid is its dedupe key, so none is a duplicate.
  let serial = 0;
  const requests = (n: number): Request[] =>
    Array.from({ length: n }, () => {
      const i = serial++;
      return signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: `${7_100_000_000_000 + (i % contacts)}`, text: `Cho mình hỏi giá đơn hàng số ${i} ạ`, mid: `m_bench_${i}` })], SECRET);
    });
  const warmupSize = Math.min(100, webhooks);
  const bare = await barePhase({ concurrency, warmup: requests(warmupSize), measured: requests(webhooks) });
  const pglite = await gatewayPhase(null, { concurrency, warmup: requests(warmupSize), measured: requests(webhooks) }, bare);
  let postgres: GatewayFigures | null = null;
  let notice: string | null = null;
  // The server's default durability (fsync, synchronous_commit on): the ack promises the body
  // is on disk, so the commit's flush is part of what is measured.
  const cluster = await startBenchPostgres();
  if (typeof cluster === 'string') notice = `${cluster}: webhook figures on PGlite only`;
  else {
    try {
      postgres = await gatewayPhase(cluster.url, { concurrency, warmup: requests(warmupSize), measured: requests(webhooks) }, bare);
    } finally {
      cluster.stop();
    }
  }
  return { webhooks, concurrency, bare, pglite, postgres, notice };
}

/** The reference: what any webhook receiver must do at least (raw body, HMAC check, 200). */
async function barePhase(job: Omit<LoadJob, 'url'>): Promise<LoadFigures> {
  const app = express();
  app.post(WEBHOOK_PATH, express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
    const ok = verifySignature(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.headers, SECRET).ok;
    res.status(ok ? 200 : 401).type('text/plain').send(ok ? 'EVENT_RECEIVED' : 'bad signature');
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as net.AddressInfo;
    const report = await runLoad({ ...job, url: `http://127.0.0.1:${port}${WEBHOOK_PATH}` }, async () => undefined);
    return figures(report);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The whole gateway with the Messenger channel on PGlite (databaseUrl null) or PostgreSQL; no bot. */
async function gatewayPhase(databaseUrl: string | null, job: Omit<LoadJob, 'url'>, bare: LoadFigures): Promise<GatewayFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-webhook-bench-'));
  const graph = await startFakeGraph({ pages: { [PAGE]: TOKEN } });
  try {
    const messenger = createMessengerChannel(
      loadMessengerConfig({ MESSENGER_APP_SECRET: SECRET, MESSENGER_VERIFY_TOKEN: 'bench-verify-token', MESSENGER_PAGES: `${PAGE}:${TOKEN}`, MESSENGER_GRAPH_URL: graph.url })!,
      { fetchProfiles: false },
    );
    const store = await openStore({ databaseUrl: databaseUrl ?? undefined, dataDir });
    const gw = await createGateway({ config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir }), store, channels: [messenger] });
    try {
      const inbox = await createInbox(gw.db, { channel: 'messenger', accountId: PAGE, name: 'Bench Page', botEnabled: false });
      // Commit times come from the bus, not from polling: a count(*) loop would compete
      // with the pipeline for the database (PGlite runs in this very thread).
      let stored = 0;
      let target = Infinity;
      let reached: (at: number) => void = () => undefined;
      gw.bus.onCommit(() => {
        if (++stored >= target) reached(Date.now());
      }, ['message.received']);
      const allStored = (n: number): Promise<number | null> =>
        new Promise((resolve) => {
          const timer = setTimeout(() => resolve(null), STORE_LIMIT_MS);
          reached = (at) => {
            clearTimeout(timer);
            resolve(at);
          };
          target = n;
          if (stored >= n) reached(Date.now());
        });

      const url = `${await gw.listen()}${WEBHOOK_PATH}`;
      // Warm-up messages are stored before the measured window opens, so it starts with an idle pipeline.
      const report = await runLoad({ ...job, url }, async () => void (await allStored(job.warmup.length)));
      const load = figures(report);
      const doneAt = (await allStored(job.warmup.length + load.acknowledged)) ?? Date.now();
      const rows = await gw.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('inbox_id', '=', inbox.id).where('direction', '=', 'in').executeTakeFirstOrThrow();
      const measuredStored = Number(rows.n) - job.warmup.length;
      return {
        ...load,
        stored: measuredStored,
        storedPerSecond: measuredStored / ((doneAt - report.startedAt) / 1000),
        ratio: load.perSecond / bare.perSecond,
      };
    } finally {
      await gw.close(); // closes the store too
    }
  } finally {
    await graph.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function figures(report: LoadReport): LoadFigures {
  const sorted = [...report.latencies].sort((a, b) => a - b);
  // Nearest rank: p99 of 2,000 samples is the 1,980th, a latency that really occurred.
  const pct = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  const acknowledged = report.latencies.length - report.failed;
  return { acknowledged, failed: report.failed, perSecond: acknowledged / report.seconds, p50: pct(0.5), p99: pct(0.99) };
}

/**
 * Runs `job` in a child process (this file, with tsx's loader inherited through execArgv):
 * warm-up, then `ready()` in the parent, then the measured requests.
 */
function runLoad(job: LoadJob, ready: () => Promise<void>): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(__filename, [LOAD_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: LoadReport | null = null;
    child.on('message', (m: { kind: 'warm' } | { kind: 'report'; report: LoadReport }) => {
      if (m.kind === 'warm')
        ready().then(
          () => child.send({ kind: 'go' }),
          (err: unknown) => {
            child.kill();
            reject(err);
          },
        );
      else report = m.report;
    });
    child.once('error', reject);
    child.once('exit', (code) => (report ? resolve(report) : reject(new Error(`load generator exited with ${code} before reporting`))));
    child.send({ kind: 'job', job });
  });
}

/** The child's side: a keep-alive agent with one socket per concurrent sender, as a proxy in front of the gateway would hold. */
async function generateLoad(job: LoadJob, go: Promise<void>, warm: () => void): Promise<LoadReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const post = (r: Request) =>
    new Promise<number>((resolve) => {
      const req = http.request(job.url, { method: 'POST', agent, headers: { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) } }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      });
      req.once('error', () => resolve(0));
      req.end(r.body);
    });
  const send = async (requests: Request[], latencies: number[] | null, deadline: number) => {
    let next = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (next < requests.length && performance.now() < deadline) {
          const r = requests[next++]!;
          const t = performance.now();
          if ((await post(r)) !== 200) failed++;
          latencies?.push(performance.now() - t);
        }
      }),
    );
    return failed;
  };
  try {
    await send(job.warmup, null, performance.now() + LOAD_LIMIT_MS);
    warm();
    await go;
    const latencies: number[] = [];
    const startedAt = Date.now();
    const t0 = performance.now();
    const failed = await send(job.measured, latencies, t0 + LOAD_LIMIT_MS);
    return { startedAt, seconds: (performance.now() - t0) / 1000, latencies, failed };
  } finally {
    agent.destroy();
  }
}

if (process.argv[2] === LOAD_FLAG) {
  let go: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (go = resolve));
  process.on('message', (m: { kind: 'job'; job: LoadJob } | { kind: 'go' }) => {
    if (m.kind === 'go') return go();
    generateLoad(m.job, started, () => process.send!({ kind: 'warm' })).then(
      (report) => process.send!({ kind: 'report', report }, () => process.disconnect()),
      (err: unknown) => {
        process.stderr.write(`load generator failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  });
}
