import { deliveryPhase, DEFAULT_DELIVERY, type DeliveryFigures } from './delivery-bench';
import { memoryPhase, type MemoryFigures } from './memory-bench';
import { startBenchPostgres } from './pg-cluster';
import { forkLoadGenerator, type VisitorsReport } from './socket-load';
import { forkSocketServer, type ServerKind, type Started } from './socket-server';

/**
 * The realtime figures of issue #9 — widget → agent delivery latency and memory per idle
 * widget connection — each for the gateway and for a bare Socket.IO server in the same
 * run. One server process per kind serves both parts: 2,000 widget sockets are opened
 * (the memory figure is taken while they are, before anything else happens), then the
 * agents connect and the message traffic runs (delivery-bench.ts, memory-bench.ts).
 * The gateway runs on the embedded PGlite store (the default; its figures are the
 * headline keys) and, for delivery, also on PostgreSQL when the bench can start one:
 * PGlite executes every query in the gateway's own thread, PostgreSQL in its own processes.
 */

export const WIDGETS = 2000;
/** Of the widget sockets, those opened before the memory baseline is taken. */
const MEMORY_BASELINE = 200;
export const TARGET_RATIO = 2;

export interface KindFigures {
  label: string;
  delivery: DeliveryFigures | null;
  memory: MemoryFigures | null;
}

export interface RealtimeBenchResult {
  widgets: number;
  spec: typeof DEFAULT_DELIVERY;
  /** On the embedded PGlite store. */
  gateway: KindFigures;
  /** Delivery only; null when no PostgreSQL server could be started (`notice` says why) or delivery was not asked for. */
  postgres: KindFigures | null;
  bare: KindFigures;
  notice: string | null;
}

export async function benchRealtime(parts: { delivery: boolean; memory: boolean }): Promise<RealtimeBenchResult> {
  // The bare server first: the reference, on a machine not yet warmed by the gateway.
  const bare = await realtimeRun('bare', parts);
  const gateway = await realtimeRun('gateway', parts);
  let postgres: KindFigures | null = null;
  let notice: string | null = null;
  if (parts.delivery) {
    const cluster = await startBenchPostgres();
    if (typeof cluster === 'string') notice = `${cluster}: delivery on PGlite only`;
    else {
      try {
        postgres = await realtimeRun('gateway', { delivery: true, memory: false }, cluster.url);
      } finally {
        cluster.stop();
      }
    }
  }
  return { widgets: WIDGETS, spec: DEFAULT_DELIVERY, gateway, postgres, bare, notice };
}

async function realtimeRun(kind: ServerKind, parts: { delivery: boolean; memory: boolean }, databaseUrl?: string): Promise<KindFigures> {
  const t0 = Date.now();
  const name = databaseUrl ? `${kind} on PostgreSQL` : kind;
  const progress = (what: string) => process.stderr.write(`realtime bench, ${name}: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  const server = forkSocketServer();
  const load = forkLoadGenerator();
  try {
    const spec = DEFAULT_DELIVERY;
    const started = await server.call<Started>('start', { kind, agents: spec.agents, supervisors: spec.supervisors, databaseUrl }, 90_000);
    progress(`${started.label} started`);
    let memory: MemoryFigures | null = null;
    if (parts.memory) {
      memory = await memoryPhase(server, load, started, { baseline: MEMORY_BASELINE, measured: WIDGETS - MEMORY_BASELINE });
      progress(`${WIDGETS} widget sockets connected, memory sampled`);
    } else {
      const r = await load.call<VisitorsReport>('visitors', { url: started.url, inbox: started.inbox, count: WIDGETS, sessions: started.sessions, concurrency: 16, timeLimitMs: 60_000 }, 70_000);
      if (r.connected < WIDGETS) throw new Error(`${started.label}: only ${r.connected} of ${WIDGETS} widget sockets connected (${r.firstError ?? 'time limit'})`);
      progress(`${WIDGETS} widget sockets connected`);
    }
    const delivery = parts.delivery ? await deliveryPhase(server, load, started, spec, progress) : null;
    return { label: started.label, delivery, memory };
  } finally {
    await load.stop();
    await server.stop();
  }
}

export interface BenchRows {
  rows: { figure: string; value: string; reference: string }[];
  json: Record<string, number>;
  verdicts: string[];
}

/** The rows, results.json keys and verdicts scripts/bench.ts prints and writes. */
export function realtimeRows(r: RealtimeBenchResult): BenchRows {
  const out: BenchRows = { rows: [], json: {}, verdicts: [] };
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const kb = (v: number) => `${(v / 1024).toFixed(1)} KB`;
  const g = r.gateway;
  const b = r.bare;
  const deliveryRow = (gateway: KindFigures, key: string) => {
    const gd = gateway.delivery;
    const bd = b.delivery;
    if (!gd || !bd) return;
    const ratio = gd.p99 / bd.p99;
    const met = ratio <= TARGET_RATIO;
    const lost = (d: DeliveryFigures) => `${d.missing ? `; ${d.missing} receptions missing` : ''}${d.ackErrors ? `; ${d.ackErrors} sends refused (${d.firstAckError})` : ''}`;
    out.verdicts.push(`widget → agent delivery p99, ${gateway.label} ${met ? 'met' : 'NOT met'} (${ratio.toFixed(2)}× the bare relay)`);
    out.rows.push({
      figure: `widget → agent delivery, ${gateway.label} (${r.widgets} widget sockets, ${r.spec.agents} agents each getting every message, ${r.spec.rate} msg/s from ${r.spec.senders} visitors, ${gd.messages} messages)`,
      value: `p50 ${ms(gd.p50)}, p99 ${ms(gd.p99)}, max ${ms(gd.max)}; server event loop busy ${(gd.serverLoopBusy * 100).toFixed(0)} %${lost(gd)}`,
      reference: `${b.label}, same sockets and fan-out: p50 ${ms(bd.p50)}, p99 ${ms(bd.p99)}, loop busy ${(bd.serverLoopBusy * 100).toFixed(0)} %${lost(bd)} (p99 ratio ${ratio.toFixed(2)}, target ≤ ${TARGET_RATIO} ${met ? 'met' : 'not met'})`,
    });
    Object.assign(out.json, {
      [`${key}p50_ms`]: gd.p50,
      [`${key}p99_ms`]: gd.p99,
      [`${key}p99_ratio`]: ratio,
      [`${key}server_loop_busy`]: gd.serverLoopBusy,
    });
  };
  deliveryRow(g, 'delivery.');
  if (r.postgres) deliveryRow(r.postgres, 'delivery.pg.');
  if (b.delivery) Object.assign(out.json, { 'delivery.bare_p50_ms': b.delivery.p50, 'delivery.bare_p99_ms': b.delivery.p99, 'delivery.bare_server_loop_busy': b.delivery.serverLoopBusy });
  if (g.memory && b.memory) {
    const gm = g.memory;
    const bm = b.memory;
    const ratio = gm.heapPerConnection / bm.heapPerConnection;
    const rssRatio = gm.rssPerConnection / bm.rssPerConnection;
    const met = ratio <= TARGET_RATIO;
    out.verdicts.push(`memory per idle widget connection ${met ? 'met' : 'NOT met'} (heap ${ratio.toFixed(2)}× bare Socket.IO; RSS ${rssRatio.toFixed(2)}×)`);
    out.rows.push({
      figure: `memory per idle widget connection, ${g.label} (${gm.connections} sockets over a baseline of ${r.widgets - gm.connections}, after GC)`,
      value: `heap ${kb(gm.heapPerConnection)}, RSS ${kb(gm.rssPerConnection)}, external ${kb(gm.externalPerConnection)}; ${(gm.connections / gm.connectSeconds).toFixed(0)} sessions+connections/s`,
      reference: `bare Socket.IO: heap ${kb(bm.heapPerConnection)}, RSS ${kb(bm.rssPerConnection)}, external ${kb(bm.externalPerConnection)}; ${(bm.connections / bm.connectSeconds).toFixed(0)} connections/s (heap ratio ${ratio.toFixed(2)}, target ≤ ${TARGET_RATIO} ${met ? 'met' : 'not met'}; RSS ratio ${rssRatio.toFixed(2)})`,
    });
    Object.assign(out.json, {
      'memory.per_connection_bytes': gm.heapPerConnection,
      'memory.bare_per_connection_bytes': bm.heapPerConnection,
      'memory.per_connection_ratio': ratio,
      'memory.rss_per_connection_bytes': gm.rssPerConnection,
      'memory.bare_rss_per_connection_bytes': bm.rssPerConnection,
      'memory.rss_per_connection_ratio': rssRatio,
    });
  }
  return out;
}
