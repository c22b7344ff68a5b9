import path from 'node:path';
import { percentile, sleep, type BenchChild, type TrafficReport } from './socket-load';
import type { Started } from './socket-server';

/**
 * Widget → agent delivery latency (issue #9): from a visitor's `message:send` emit to an
 * agent socket's `message` event for it, with 2,000 widget sockets and 50 agent sockets
 * connected, at a steady message rate — through the whole gateway, and through a bare
 * Socket.IO relay in the same run (bench/socket-server.ts). The server runs in its own
 * process; every client socket lives in one load-generator process (bench/socket-load.ts).
 *
 * What is realistic, and what both servers therefore do:
 * - Fan-out 50. One shop, one website inbox, 50 people on it: 3 supervisors (they get
 *   every conversation's events: room `all`) and 47 agents who are members of the inbox
 *   (room `inbox:<id>`). That is how src/realtime/agent-namespace.ts pushes a message —
 *   to `all` + `inbox:<id>` (+ the assignee's own room) — so every one of the 50 open
 *   inbox screens gets every message of the inbox. The bare relay puts its 50 agent
 *   sockets in one room and emits each message to it. Every (message, agent) reception
 *   is one sample.
 * - 20 messages/s in total. 2,000 widgets are open, but most visitors only browse: with
 *   50 agents handling ~4 chats each, ~200 conversations are active, each visitor writing
 *   every ~10 s — a busy hour. The first 200 visitors are those chatting: each opens its
 *   conversation with one warm-up message (contact, conversation and auto-assignment
 *   made; not measured) and sends a second one (not measured either: the steady path
 *   has run once), then they take turns at the steady rate, sent open-loop on a
 *   fixed schedule. The other 1,800 stay idle (connected, pinged by Socket.IO).
 */

export interface DeliverySpec {
  agents: number;
  supervisors: number;
  senders: number;
  /** Messages per second, all senders together. */
  rate: number;
  messages: number;
}

export const DEFAULT_DELIVERY: DeliverySpec = { agents: 50, supervisors: 3, senders: 200, rate: 20, messages: 400 };

export interface DeliveryFigures {
  p50: number;
  p99: number;
  max: number;
  /** Receptions measured (messages × agents). */
  samples: number;
  messages: number;
  /** Receptions expected (messages × agents) but not seen within the drain limit. */
  missing: number;
  ackErrors: number;
  firstAckError: string | null;
  /** Share of the measured window the server's event loop was busy (0..1). */
  serverLoopBusy: number;
  /** How far the sender fell behind its schedule at worst (a saturated load process if large). */
  maxScheduleLagMs: number;
  /** Each round's p99, in the order run. */
  roundP99s: number[];
  /**
   * Each message's first reception by any agent (one sample per message): the server's path
   * up to its first socket write. p99 minus firstP99 is roughly what the fan-out adds.
   */
  firstP50: number;
  firstP99: number;
}

/** Runs with the widget sockets already connected (spec.senders of them at least): connects the agents, opens every sender's conversation and sends a second message in it. */
export async function deliverySetup(load: BenchChild, started: Started, spec: DeliverySpec, progress: (what: string) => void): Promise<void> {
  await load.call('agents', { url: started.url, tokens: started.agentTokens, timeLimitMs: 30_000 }, 35_000);
  // Warm-up, not measured: each sender's first message (its conversation is made and
  // assigned); it also proves every agent's rooms are joined (done right after connect).
  // Then a second message from each: the path every measured message takes (on the gateway
  // the inbound fast path, and the report rollups' reads by difference) has run, so the
  // first round measures the steady state and not each code path's first call in the process.
  for (const pass of ['conversations opened', 'second messages']) {
    const warm = await load.call<TrafficReport>('traffic', { senders: spec.senders, rate: 50, messages: spec.senders, sendLimitMs: 30_000, drainLimitMs: 30_000 }, 70_000);
    if (warm.ackErrors > 0 || warm.received < warm.expected) throw new Error(`${started.label}: warm-up incomplete, ${pass} (${warm.received}/${warm.expected} received; ${warm.firstAckError ?? 'no ack error'})`);
    progress(`${pass}: ${warm.sent}`);
  }
  progress(`${spec.agents} agents connected, warmed up`);
  await sleep(2000); // the warm-up's after-commit work (rollups, routing) finishes
}

/** One measured round of steady traffic (after deliverySetup). */
export async function deliveryRound(server: BenchChild, load: BenchChild, started: Started, spec: DeliverySpec, round: number, progress: (what: string) => void): Promise<DeliveryFigures> {
  // BENCH_CPU_PROFILE=<dir>: the server's CPU profile of the measured window, one file per server and round.
  const profileDir = process.env.BENCH_CPU_PROFILE;
  if (profileDir) await server.call('profile:start');
  await server.call('loop');
  const report = await load.call<TrafficReport>('traffic', { senders: spec.senders, rate: spec.rate, messages: spec.messages, sendLimitMs: 60_000, drainLimitMs: 15_000 }, 90_000);
  const serverLoopBusy = await server.call<number>('loop');
  if (profileDir) progress(`CPU profile in ${await server.call<string>('profile:stop', path.join(profileDir, `${started.label.replace(/[^a-z0-9]+/gi, '-')}-${round}.cpuprofile`))}`);
  const sorted = report.latencies.sort((a, b) => a - b);
  const first = report.firstLatencies.sort((a, b) => a - b);
  const p99 = percentile(sorted, 0.99);
  progress(`${round === 0 ? 'warm-up round (not counted)' : `round ${round}`}: ${report.sent} messages sent in ${report.sendSeconds.toFixed(1)} s, p99 ${p99.toFixed(1)} ms (first agent ${percentile(first, 0.99).toFixed(1)} ms)`);
  return {
    p50: percentile(sorted, 0.5),
    p99,
    max: sorted[sorted.length - 1] ?? NaN,
    samples: sorted.length,
    messages: report.sent,
    missing: report.expected - report.received,
    ackErrors: report.ackErrors,
    firstAckError: report.firstAckError,
    serverLoopBusy,
    maxScheduleLagMs: report.maxScheduleLagMs,
    roundP99s: [p99],
    firstP50: percentile(first, 0.5),
    firstP99: percentile(first, 0.99),
  };
}

/**
 * The rounds of one server as one figure: the median round's p50, p99 and loop share (a
 * round hit by a hiccup of the machine moves no figure), the worst max and schedule lag,
 * and every message, sample and failure counted.
 */
export function combineRounds(rounds: DeliveryFigures[]): DeliveryFigures {
  if (rounds.length === 0) throw new Error('no delivery round ran');
  const sum = (f: (d: DeliveryFigures) => number) => rounds.reduce((n, d) => n + f(d), 0);
  return {
    p50: median(rounds.map((d) => d.p50)),
    p99: median(rounds.map((d) => d.p99)),
    max: Math.max(...rounds.map((d) => d.max)),
    samples: sum((d) => d.samples),
    messages: sum((d) => d.messages),
    missing: sum((d) => d.missing),
    ackErrors: sum((d) => d.ackErrors),
    firstAckError: rounds.find((d) => d.firstAckError)?.firstAckError ?? null,
    serverLoopBusy: median(rounds.map((d) => d.serverLoopBusy)),
    maxScheduleLagMs: Math.max(...rounds.map((d) => d.maxScheduleLagMs)),
    roundP99s: rounds.flatMap((d) => d.roundP99s),
    firstP50: median(rounds.map((d) => d.firstP50)),
    firstP99: median(rounds.map((d) => d.firstP99)),
  };
}

/** The middle round's figure (ROUNDS is odd), by the same nearest rank as the latencies. */
function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}
