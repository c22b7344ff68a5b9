import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SessionResponse } from '../channels/widget/protocol';
import type { AgentClientToServer, AgentServerToClient } from '../src/realtime/agent-protocol';

/**
 * Shared by the realtime benches (delivery-bench.ts, memory-bench.ts): a small
 * request/response protocol over a child's IPC channel, and the socket load generator —
 * a child process holding every widget and agent socket, so the 2,000 client sockets
 * never share the server's event loop (or its heap, which the memory bench measures).
 *
 * Visitors and agents live in the same load process on purpose: a message's latency is
 * measured from the visitor's emit to an agent's `message` event on one clock.
 */

const LOAD_FLAG = '--socket-load-generator';

// ---------------------------------------------------------------- IPC between bench processes

interface CallMessage {
  id: number;
  cmd: string;
  args: unknown;
}
type ReplyMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** A bench child process answering `call`s; every call has a time limit, and `stop` always ends the process. */
export class BenchChild {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private exited = false;
  private readonly exit: Promise<void>;

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (m: ReplyMessage) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${name}: ${m.error}`));
    });
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exited = true;
        for (const [, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`${name} exited (${signal ?? code}) before answering`));
        }
        this.pending.clear();
        resolve();
      }),
    );
  }

  call<T>(cmd: string, args: unknown = null, timeoutMs = 60_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${cmd} took more than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ id, cmd, args } satisfies CallMessage);
    });
  }

  /** Asks the child to close (bounded), then kills it if it is still there. */
  async stop(): Promise<void> {
    if (this.exited) return;
    await this.call('close', null, 15_000).catch(() => undefined);
    const killed = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exit;
    clearTimeout(killed);
  }
}

/**
 * Forks `file` with `flag` (tsx's loader comes along in execArgv). `exposeGc` for a server
 * whose memory is sampled after a full collection.
 */
export function forkBenchChild(file: string, flag: string, name: string, opts: { exposeGc?: boolean } = {}): BenchChild {
  const execArgv = [...process.execArgv, ...(opts.exposeGc ? ['--expose-gc'] : [])];
  const child = fork(file, [flag], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new BenchChild(child, name);
}

/** The child's side: answers calls with `handlers`; `close` is answered, then the process exits. */
export function serveCalls(handlers: Record<string, (args: never) => Promise<unknown>>): void {
  process.on('message', (m: CallMessage) => {
    const handler = handlers[m.cmd];
    const run = handler ? handler(m.args as never) : Promise.reject(new Error(`unknown command ${m.cmd}`));
    run.then(
      (result) =>
        process.send!({ id: m.id, ok: true, result } satisfies ReplyMessage, () => {
          if (m.cmd === 'close') process.exit(0);
        }),
      (err: unknown) => process.send!({ id: m.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies ReplyMessage),
    );
  });
  // The parent went away (Ctrl-C, a crash): never outlive it.
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------- figures

/** Nearest rank, as the other benches: a latency that really occurred. */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- the load generator (child side)

type VisitorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>;

export interface VisitorsJob {
  url: string;
  inbox: string;
  count: number;
  /** Ask the server for a visitor token first (the gateway); the bare server takes any. */
  sessions: boolean;
  /** Sockets being opened at once. */
  concurrency: number;
  timeLimitMs: number;
}

export interface VisitorsReport {
  connected: number;
  failed: number;
  firstError: string | null;
  seconds: number;
  total: number;
}

export interface AgentsJob {
  url: string;
  tokens: string[];
  timeLimitMs: number;
}

export interface TrafficJob {
  /** Visitors 0..senders-1 (of those connected) take turns sending. */
  senders: number;
  /** Messages per second across all senders, sent open-loop on a fixed schedule. */
  rate: number;
  messages: number;
  /** Upper bound on the sending time, whatever `messages` says. */
  sendLimitMs: number;
  /** After the last send, how long to wait for every agent to get every message. */
  drainLimitMs: number;
}

export interface TrafficReport {
  sent: number;
  acked: number;
  ackErrors: number;
  firstAckError: string | null;
  /** One sample per (message, agent) reception, in ms. */
  latencies: number[];
  /**
   * One sample per message: its first reception by any agent, in ms — the server's path up
   * to its first socket write. What `latencies` adds on top is the fan-out to the 50 sockets.
   */
  firstLatencies: number[];
  /** Receptions expected (sent × agents) and received. */
  expected: number;
  received: number;
  /** How late the sender ran behind its schedule at worst (the load process itself saturated if large). */
  maxScheduleLagMs: number;
  sendSeconds: number;
}

const BENCH_TEXT = /^bench (\d+) /;

function startLoadGenerator(): void {
  const visitors: VisitorSocket[] = [];
  const agents: AgentSocket[] = [];
  /** seq → the visitor's emit time, for messages of the current traffic run. */
  let sentAt = new Map<number, number>();
  let latencies: number[] = [];
  /** seq → its first reception's latency (the later ones only go to `latencies`). */
  let firstLatency = new Map<number, number>();
  let seq = 0;
  const run = `${process.pid}-${Date.now().toString(36)}`;

  const onAgentMessage = (e: { message?: { content?: unknown } }) => {
    const now = performance.now();
    const content = e?.message?.content as { text?: unknown } | undefined;
    const m = typeof content?.text === 'string' ? BENCH_TEXT.exec(content.text) : null;
    if (!m) return;
    const n = Number(m[1]);
    const t = sentAt.get(n);
    if (t === undefined) return;
    latencies.push(now - t);
    if (!firstLatency.has(n)) firstLatency.set(n, now - t);
  };

  const connect = <S extends Socket>(url: string, auth: Record<string, string>): Promise<S> =>
    new Promise((resolve, reject) => {
      const socket = ioClient(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 }) as unknown as S;
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (err: Error) => {
        socket.close();
        reject(err);
      });
    });

  // A proxy in front of the gateway sets X-Forwarded-For (the app trusts loopback proxies):
  // 2,000 visitors come from 2,000 addresses, as in reality, so the per-IP limit on new
  // sessions (30 a minute) applies to each of them and not to the bench as a whole.
  const newSession = async (url: string, inbox: string, n: number): Promise<string> => {
    const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const res = await fetch(`${url}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ inbox }) });
    if (res.status !== 200) throw new Error(`session: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as SessionResponse).token;
  };

  serveCalls({
    async visitors(job: VisitorsJob): Promise<VisitorsReport> {
      const t0 = performance.now();
      const deadline = t0 + job.timeLimitMs;
      let next = 0;
      let connected = 0;
      let failed = 0;
      let firstError: string | null = null;
      const base = visitors.length;
      await Promise.all(
        Array.from({ length: job.concurrency }, async () => {
          while (next < job.count && performance.now() < deadline) {
            const n = base + next++;
            try {
              const token = job.sessions ? await newSession(job.url, job.inbox, n) : `bare-${n}`;
              visitors.push(await connect<VisitorSocket>(`${job.url}/widget`, { inbox: job.inbox, token }));
              connected++;
            } catch (err) {
              failed++;
              firstError ??= err instanceof Error ? err.message : String(err);
            }
          }
        }),
      );
      return { connected, failed, firstError, seconds: (performance.now() - t0) / 1000, total: visitors.length };
    },

    async agents(job: AgentsJob): Promise<{ connected: number }> {
      const deadline = performance.now() + job.timeLimitMs;
      for (const token of job.tokens) {
        if (performance.now() > deadline) throw new Error(`only ${agents.length} of ${job.tokens.length} agents connected in time`);
        const socket = await connect<AgentSocket>(`${job.url}/agent`, { token });
        socket.on('message', onAgentMessage);
        agents.push(socket);
      }
      return { connected: agents.length };
    },

    async traffic(job: TrafficJob): Promise<TrafficReport> {
      if (visitors.length < job.senders || agents.length === 0) throw new Error(`need ${job.senders} visitors and some agents (have ${visitors.length}, ${agents.length})`);
      sentAt = new Map();
      latencies = [];
      firstLatency = new Map();
      let acked = 0;
      let ackErrors = 0;
      let firstAckError: string | null = null;
      let maxScheduleLagMs = 0;
      const interval = 1000 / job.rate;
      const t0 = performance.now();
      const sendDeadline = t0 + job.sendLimitMs;
      let i = 0;
      // Open loop: message i is due at t0 + i·interval whether earlier ones were answered or not
      // (waiting for answers would hide the server's queueing — coordinated omission).
      while (i < job.messages && performance.now() < sendDeadline) {
        const due = t0 + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const now = performance.now();
        maxScheduleLagMs = Math.max(maxScheduleLagMs, now - due);
        const n = seq++;
        const visitor = visitors[i % job.senders]!;
        sentAt.set(n, now);
        visitor.emit('message:send', { clientId: `bench-${run}-${n}`, content: { type: 'text', text: `bench ${n} cho mình hỏi đơn hàng này còn hàng không ạ?` } }, (r) => {
          if (r.ok) acked++;
          else {
            ackErrors++;
            firstAckError ??= `${r.error.code}: ${r.error.message}`;
          }
        });
        i++;
      }
      const sendSeconds = (performance.now() - t0) / 1000;
      const expected = i * agents.length;
      const drainDeadline = performance.now() + job.drainLimitMs;
      while ((latencies.length < expected || acked + ackErrors < i) && performance.now() < drainDeadline) await sleep(20);
      const firstLatencies = [...firstLatency.values()];
      const report: TrafficReport = { sent: i, acked, ackErrors, firstAckError, latencies, firstLatencies, expected, received: latencies.length, maxScheduleLagMs, sendSeconds };
      sentAt = new Map(); // late receptions no longer count
      latencies = [];
      firstLatency = new Map();
      return report;
    },

    async close(): Promise<null> {
      for (const s of [...visitors, ...agents]) s.close();
      return null;
    },
  });
}

export function forkLoadGenerator(): BenchChild {
  return forkBenchChild(__filename, LOAD_FLAG, 'socket load generator');
}

if (process.argv[2] === LOAD_FLAG) startLoadGenerator();
