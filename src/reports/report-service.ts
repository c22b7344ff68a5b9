import type { Db } from '../store/unit-of-work';
import { conversationFacts, toLoggedEvent, type ConversationFacts, type LoggedEvent } from './conversation-facts';
import { filterSql, summaryFromRollups } from './rollup-reports';
import { drillDown } from './rollup-drill-down';
import { seriesFromRollups } from './rollup-series';
import type { BusinessDurationSource } from './rollup-writer';
import { isFirstContactResolution, membership, summarize, type Duration, type Period, type Summary } from './figures';

export interface ReportFilter {
  channel?: string;
  inboxId?: number;
  teamId?: number;
  agentId?: number;
}

export interface ReportServiceDeps {
  db: Db;
  /** Business-hours time per inbox (wall-clock when an inbox has none). */
  businessDuration?: BusinessDurationSource;
}

/** The figures whose conversations can be listed, and the timeseries metrics (paths into Summary). */
export const DRILL_FIGURES = ['firstResponse', 'humanFirstResponse', 'responseTime', 'fcr', 'botContainment', 'handoff', 'resolutionTime', 'resolvedWithin24h', 'backlog', 'csat', 'nps'] as const;
export type DrillFigure = (typeof DRILL_FIGURES)[number];
export const SERIES_METRICS = {
  firstResponseMedian: (s: Summary) => s.firstResponse.medianMs,
  humanFirstResponseMedian: (s: Summary) => s.humanFirstResponse.medianMs,
  responseTimeMean: (s: Summary) => s.responseTime.all.meanMs,
  fcr: (s: Summary) => s.fcr.rate,
  botContainment: (s: Summary) => s.botContainment.rate,
  handoffRate: (s: Summary) => s.handoff.rate,
  resolutionTimeMedian: (s: Summary) => s.resolutionTime.medianMs,
  resolvedWithin24h: (s: Summary) => s.resolvedWithin24h.rate,
  backlog: (s: Summary) => s.backlog.total,
  csat: (s: Summary) => s.csat.score,
  nps: (s: Summary) => s.nps.score,
  conversations: (s: Summary) => s.resolvedWithin24h.of,
} as const;
export type SeriesMetric = keyof typeof SERIES_METRICS;

/**
 * Reports. The summary and the time series come from the report tables
 * (rollup-reports.ts); the drill-down folds the event log itself: the conversations that matter for a
 * period are found, their whole logs read and folded (conversation-facts.ts), and the
 * figures computed (figures.ts). Everything a figure says can be listed conversation by
 * conversation (`conversations`).
 */
export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  /** The summary from the report tables (fast; kept up to date by RollupWriter). */
  summary(p: Period, filter: ReportFilter): Promise<Summary & { byAgent: GroupRow[]; byTeam: GroupRow[] }> {
    return summaryFromRollups(this.deps.db, p, filter);
  }

  /** The same summary folded straight from the event log (the reference the rollups are checked against). */
  async summaryFromLog(p: Period, filter: ReportFilter): Promise<Summary & { byAgent: GroupRow[]; byTeam: GroupRow[] }> {
    const { facts, business } = await this.load(p, filter);
    const summary = summarize(facts, p, { business });
    return { ...summary, byAgent: groupRows(facts, p, business, (f) => f.agentId), byTeam: groupRows(facts, p, business, (f) => f.teamId) };
  }

  /** One metric per local day or week: each point the value the summary of its bucket gives (from the report tables, one pass). */
  async timeseries(p: Period, filter: ReportFilter, metric: SeriesMetric, interval: 'day' | 'week', timeZone: string): Promise<{ start: string; end: string; value: number | null }[]> {
    const buckets = bucketsOf(p, interval, timeZone);
    const values = await seriesFromRollups(this.deps.db, buckets, filterSql(filter), metric);
    return buckets.map((b, i) => ({ start: b.from.toISOString(), end: b.to.toISOString(), value: values[i]! }));
  }

  /** The conversations behind one figure, with each one's value, a page at a time (from the report tables). */
  conversations(p: Period, filter: ReportFilter, figure: DrillFigure, page: { limit: number; offset: number } = { limit: 500, offset: 0 }): Promise<{ total: number; items: DrillRow[] }> {
    return drillDown(this.deps.db, p, filterSql(filter), figure, page);
  }

  /** The same list folded from the event log, whole (the reference the tables are checked against). */
  async conversationsFromLog(p: Period, filter: ReportFilter, figure: DrillFigure): Promise<DrillRow[]> {
    const { facts } = await this.load(p, filter);
    const out: DrillRow[] = [];
    const push = (f: ConversationFacts, value: number | string | boolean) => out.push({ conversationId: f.id, channel: f.channel, inboxId: f.inboxId, agentId: f.agentId, value });
    for (const f of facts) {
      switch (figure) {
        case 'firstResponse':
          for (const s of membership.firstResponse(f, p)) push(f, s.firstReplyAt!.getTime() - s.start.getTime());
          break;
        case 'humanFirstResponse':
          for (const s of membership.humanFirstResponse(f, p)) push(f, s.firstHumanReplyAt!.getTime() - s.humanClockStart!.getTime());
          break;
        case 'responseTime':
          for (const w of membership.waits(f, p)) push(f, w.end!.getTime() - w.start.getTime());
          break;
        case 'resolutionTime':
          for (const s of membership.resolutionSegments(f, p)) push(f, s.resolvedAt!.getTime() - s.start.getTime());
          break;
        case 'fcr':
          if (membership.resolvedInPeriod(f, p)) push(f, isFirstContactResolution(f));
          break;
        case 'botContainment':
        case 'handoff':
          if (membership.createdInPeriod(f, p) && f.botHandled) push(f, figure === 'handoff' ? (f.handoffs[0]?.reason ?? false) : f.handoffs.length === 0 && f.resolutions.length > 0 && f.humanRepliers.length === 0);
          break;
        case 'resolvedWithin24h':
          if (membership.createdInPeriod(f, p)) push(f, f.resolutions[0] !== undefined && f.resolutions[0].at.getTime() - f.createdAt.getTime() <= 86_400_000);
          break;
        case 'backlog': {
          const s = summarize([f], p);
          if (s.backlog.total > 0) push(f, p.to.getTime() - f.createdAt.getTime());
          break;
        }
        case 'csat':
        case 'nps':
          for (const s of f.surveys) if (s.kind === figure && s.event === 'answered' && s.at >= p.from && s.at < p.to && s.score !== null) push(f, s.score);
          break;
      }
    }
    return out;
  }

  private async load(p: Period, filter: ReportFilter): Promise<{ facts: ConversationFacts[]; business: Duration }> {
    const { db } = this.deps;
    // Retention looks one period ahead; backlog needs every conversation still open at `to`.
    const nextTo = new Date(p.to.getTime() + (p.to.getTime() - p.from.getTime()));
    let ids = db
      .selectFrom('conversations as c')
      .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
      .select('c.id')
      .where('c.created_at', '<', nextTo)
      .where((eb) => eb.or([eb('c.status', '<>', 'resolved'), eb('c.resolved_at', '>=', p.from), eb('c.last_message_at', '>=', p.from), eb('c.updated_at', '>=', p.from)]));
    if (filter.inboxId) ids = ids.where('c.inbox_id', '=', filter.inboxId);
    if (filter.channel) ids = ids.where('i.channel', '=', filter.channel);
    const rows = await db
      .selectFrom('conversation_events')
      .selectAll()
      .where('conversation_id', 'in', ids)
      .orderBy('conversation_id')
      .orderBy('id')
      .execute();
    const facts: ConversationFacts[] = [];
    let batch: LoggedEvent[] = [];
    const flush = () => {
      if (batch.length > 0) facts.push(conversationFacts(batch));
      batch = [];
    };
    for (const r of rows) {
      if (batch.length > 0 && batch[0]!.conversationId !== r.conversation_id) flush();
      batch.push(toLoggedEvent(r));
    }
    flush();
    const filtered = facts.filter((f) => (filter.teamId === undefined || f.teamId === filter.teamId) && (filter.agentId === undefined || f.agentId === filter.agentId));
    const business = this.deps.businessDuration ? await this.deps.businessDuration(db) : undefined;
    return { facts: filtered, business: business ?? ((_i, a, b) => Math.max(0, b.getTime() - a.getTime())) };
  }
}

/** One conversation behind a figure, and its value there (a time in ms, a yes/no, a reason, a score). */
export interface DrillRow {
  conversationId: number;
  channel: string;
  inboxId: number;
  agentId: number | null;
  value: number | string | boolean;
}

export interface GroupRow {
  id: number | null;
  conversations: number;
  resolved: number;
  fcrRate: number | null;
  firstResponseMeanMs: number | null;
  humanFirstResponseMeanMs: number | null;
  responseTimeMeanMs: number | null;
  csatScore: number | null;
  csatAnswered: number;
}

/**
 * Per agent or team: its conversations created in the period, those resolved in it (the
 * last resolution counts) and its key figures over the period. Groups with neither are
 * left out.
 */
function groupRows(facts: readonly ConversationFacts[], p: Period, business: Duration, keyOf: (f: ConversationFacts) => number | null): GroupRow[] {
  const groups = new Map<number | null, ConversationFacts[]>();
  for (const f of facts) {
    const k = keyOf(f);
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  return [...groups.entries()]
    .map(([id, fs]) => {
      const s = summarize(fs, p, { business });
      return {
        id,
        conversations: fs.filter((f) => membership.createdInPeriod(f, p)).length,
        resolved: s.fcr.of,
        fcrRate: s.fcr.rate,
        firstResponseMeanMs: s.firstResponse.meanMs,
        humanFirstResponseMeanMs: s.humanFirstResponse.meanMs,
        responseTimeMeanMs: s.responseTime.all.meanMs,
        csatScore: s.csat.score,
        csatAnswered: s.csat.answered,
      };
    })
    .filter((g) => g.conversations > 0 || g.resolved > 0)
    .sort((a, b) => (a.id ?? -1) - (b.id ?? -1));
}

/** Day or week buckets starting at local midnight in `timeZone` (weeks start on Monday). */
export function bucketsOf(p: Period, interval: 'day' | 'week', timeZone: string): Period[] {
  const out: Period[] = [];
  let start = localMidnight(p.from, timeZone);
  if (interval === 'week') {
    const dow = (new Date(start.getTime() + offsetMs(start, timeZone)).getUTCDay() + 6) % 7;
    start = localMidnight(new Date(start.getTime() - dow * 86_400_000 + 12 * 3_600_000), timeZone);
  }
  for (let i = 0; i < 400 && start < p.to; i++) {
    const next = localMidnight(new Date(start.getTime() + (interval === 'day' ? 1 : 7) * 86_400_000 + 12 * 3_600_000), timeZone);
    out.push({ from: start < p.from ? p.from : start, to: next > p.to ? p.to : next });
    start = next;
  }
  return out;
}

/** The zone's offset from UTC at `at`, in ms (e.g. +7 h for Asia/Ho_Chi_Minh). */
function offsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

function localMidnight(at: Date, timeZone: string): Date {
  const local = new Date(at.getTime() + offsetMs(at, timeZone));
  const midnightLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const guess = new Date(midnightLocal - offsetMs(new Date(midnightLocal), timeZone));
  return new Date(midnightLocal - offsetMs(guess, timeZone));
}
