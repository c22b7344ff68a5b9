import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import pg from 'pg';
import { Server as SocketServer } from 'socket.io';
import { loadConfig } from '../src/config/config';
import { createGateway, type Gateway } from '../src/server/gateway';
import { openStore } from '../src/store/database';
import { hashPassword } from '../src/auth/password';
import { createInbox } from '../src/store/repos/inboxes';
import { createWidgetChannel } from '../channels/widget';
import { WIDGET_NAMESPACE } from '../channels/widget/protocol';
import { AGENT_NAMESPACE, type AgentMessageEvent } from '../src/realtime/agent-protocol';
import { forkBenchChild, serveCalls, type BenchChild } from './socket-load';

/**
 * The server side of the realtime benches, always in its own process (started with
 * --expose-gc): either the whole gateway with the widget channel, or the bare Socket.IO
 * relay it is compared with. Answers `start`, `memory`, `loop` and `close` over IPC.
 */

const SERVER_FLAG = '--socket-bench-server';
export const INBOX_KEY = 'shop';

export type ServerKind = 'gateway' | 'bare';

export interface StartJob {
  kind: ServerKind;
  /** Agents to create and sign in (gateway) or just to expect (bare). */
  agents: number;
  /** Of those, how many are supervisors (room `all`) rather than members of the inbox. */
  supervisors: number;
  /**
   * The gateway on this PostgreSQL database (the embedded PGlite store when absent); the
   * bare relay stores each message there with one INSERT before it relays it.
   */
  databaseUrl?: string;
}

export interface Started {
  url: string;
  inbox: string;
  /** The gateway wants a visitor token from POST /widget/api/session first. */
  sessions: boolean;
  /** One bearer token per agent. */
  agentTokens: string[];
  /** What the server is, for the figure's label. */
  label: string;
}

export interface MemorySample {
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
}

export function forkSocketServer(): BenchChild {
  return forkBenchChild(__filename, SERVER_FLAG, 'socket bench server', { exposeGc: true });
}

/**
 * The reference: the least a Socket.IO server must do for the same job — a `/widget`
 * namespace where a visitor's `message:send` is relayed, in the gateway's `message`
 * event shape, to a room holding every agent socket (the same fan-out), and acknowledged.
 * Socket.IO's default options; no authentication, no storage.
 *
 * With `databaseUrl`, the same relay first stores each message durably with one INSERT
 * (a prepared statement, committed by itself) and relays it once stored: the least any
 * server that never pushes a message it could lose pays on that database — the floor under
 * the gateway's figure on PostgreSQL, measured beside it.
 */
async function startBare(job: StartJob): Promise<{ started: Started; close(): Promise<void> }> {
  const pool = job.databaseUrl ? new pg.Pool({ connectionString: job.databaseUrl, max: 4 }) : null;
  await pool?.query('CREATE TABLE IF NOT EXISTS bench_relay_messages (id bigserial PRIMARY KEY, content jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  const store = pool
    ? async (content: unknown): Promise<number> => {
        const r = await pool.query<{ id: string }>({ name: 'bench-relay-insert', text: 'INSERT INTO bench_relay_messages (content) VALUES ($1) RETURNING id', values: [JSON.stringify(content ?? null)] });
        return Number(r.rows[0]!.id);
      }
    : null;
  const httpServer = http.createServer();
  const io = new SocketServer(httpServer, { serveClient: false });
  const agents = io.of(AGENT_NAMESPACE);
  agents.on('connection', (socket) => void socket.join('inbox'));
  let id = 0;
  io.of(WIDGET_NAMESPACE).on('connection', (socket) => {
    socket.on('message:send', async (payload: { clientId?: string; content?: unknown }, ack: unknown) => {
      const stored = store ? await store(payload?.content).catch(() => null) : ++id;
      if (stored === null) return typeof ack === 'function' ? ack({ ok: false, error: { code: 'NOT_STORED', message: 'insert failed' } }) : undefined;
      const message: AgentMessageEvent['message'] = { id: stored, direction: 'in', senderType: 'contact', senderId: null, content: payload?.content, private: false, status: 'pending', error: null, createdAt: new Date().toISOString() };
      agents.to('inbox').emit('message', { conversationId: 1, inboxId: 1, message } satisfies AgentMessageEvent);
      if (typeof ack === 'function') ack({ ok: true, message: { ...message, clientId: payload?.clientId ?? null, senderName: null } });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as net.AddressInfo;
  return {
    started: {
      url: `http://127.0.0.1:${port}`,
      inbox: INBOX_KEY,
      sessions: false,
      agentTokens: Array.from({ length: job.agents }, (_, i) => `bare-agent-${i}`),
      label: pool ? 'bare Socket.IO relay storing each message first (one INSERT, same PostgreSQL)' : 'bare Socket.IO relay',
    },
    close: async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await pool?.end();
    },
  };
}

/**
 * The whole gateway (embedded PGlite store, or PostgreSQL), widget channel, one widget inbox with the bot off.
 * Every visitor socket of the load generator comes from 127.0.0.1: the per-address message limit
 * (meant for many real visitors behind one carrier address) is off; the per-visitor one stays.
 */
async function startGateway(job: StartJob): Promise<{ started: Started; close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-socket-bench-'));
  let gw: Gateway | null = null;
  try {
    const store = await openStore({ databaseUrl: job.databaseUrl, dataDir });
    gw = await createGateway({ config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, OMNIGATE_RATE_LIMITS: 'widget_message_ip=off' }), store, channels: [createWidgetChannel()] });
    const inbox = await createInbox(gw.db, { channel: 'widget', accountId: INBOX_KEY, name: 'Shop', botEnabled: false, settings: {} });
    // One scrypt hash for all (the same password); the sign-ins run side by side.
    const password = 'bench-password-123';
    const passwordHash = await hashPassword(password);
    const emails = Array.from({ length: job.agents }, (_, i) => `agent${i}@bench.omnigate.test`);
    for (const [i, email] of emails.entries()) {
      const supervisor = i < job.supervisors;
      const agent = await gw.db.insertInto('agents').values({ email, name: `Agent ${i}`, role: supervisor ? 'supervisor' : 'agent', password_hash: passwordHash }).returning('id').executeTakeFirstOrThrow();
      if (!supervisor) await gw.db.insertInto('inbox_members').values({ inbox_id: inbox.id, agent_id: agent.id }).execute();
    }
    const opening = gw;
    const agentTokens = (await Promise.all(emails.map((email) => opening.auth.login(email, password)))).map((l) => l.token);
    const url = await gw.listen();
    const opened = gw;
    return {
      started: { url, inbox: INBOX_KEY, sessions: true, agentTokens, label: job.databaseUrl ? 'gateway, PostgreSQL' : 'gateway, embedded PGlite' },
      close: async () => {
        await opened.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await gw?.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

function startServerProcess(): void {
  let server: { close(): Promise<void> } | null = null;
  let loopMark: EventLoopUtilization | null = null;
  let profiler: Session | null = null;
  serveCalls({
    async start(job: StartJob): Promise<Started> {
      const s = job.kind === 'gateway' ? await startGateway(job) : await startBare(job);
      server = s;
      return s.started;
    },
    /** After full collections (a few rounds: weak references and finalizers settle). */
    async memory(): Promise<MemorySample> {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) throw new Error('start the server with --expose-gc');
      for (let i = 0; i < 4; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
      return { heapUsed, rss, external, arrayBuffers };
    },
    /** Event-loop utilisation since the previous call (0..1): how busy the server's thread was. */
    async loop(): Promise<number> {
      const now = performance.eventLoopUtilization();
      const since = loopMark ? performance.eventLoopUtilization(now, loopMark) : now;
      loopMark = now;
      return since.utilization;
    },
    /** Starts V8's CPU profiler (BENCH_CPU_PROFILE: where the measured window's profile goes). */
    async 'profile:start'(): Promise<null> {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.post('Profiler.start');
      return null;
    },
    /** Stops the profiler and writes a .cpuprofile (open it in Chrome DevTools) to `file`. */
    async 'profile:stop'(file: string): Promise<string> {
      if (!profiler) throw new Error('profile:start first');
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = null;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      return file;
    },
    async close(): Promise<null> {
      await server?.close();
      server = null;
      return null;
    },
  });
}

if (process.argv[2] === SERVER_FLAG) startServerProcess();
