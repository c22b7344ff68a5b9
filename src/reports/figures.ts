import { openAt, type ConversationFacts } from './conversation-facts';

/**
 * The figures of docs/metrics.md over conversation facts, for one period [from, to).
 * Pure. Every figure carries the counts behind it. Times are milliseconds; where an
 * inbox has business hours, `business` repeats each time figure counting only open time.
 * Percentiles are nearest-rank (the value below which the share lies — explainable by
 * pointing at one conversation).
 */

export interface Period {
  from: Date;
  to: Date;
}

/** Time between two instants for an inbox: wall-clock, or only its business hours. */
export type Duration = (inboxId: number, from: Date, to: Date) => number;
export const wallClock: Duration = (_inbox, from, to) => Math.max(0, to.getTime() - from.getTime());

export interface TimeStats {
  count: number;
  meanMs: number | null;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface Rate {
  /** The numerator and denominator, so the rate can be checked. */
  count: number;
  of: number;
  rate: number | null;
}

export interface Summary {
  period: { from: string; to: string };
  firstResponse: TimeStats & { business: TimeStats };
  humanFirstResponse: TimeStats & { business: TimeStats };
  responseTime: { all: TimeStats; bot: TimeStats; human: TimeStats; business: { all: TimeStats; bot: TimeStats; human: TimeStats } };
  fcr: Rate & { bot: Rate; human: Rate };
  botContainment: Rate;
  handoff: Rate & { byReason: Record<string, number> };
  resolutionTime: TimeStats & { business: TimeStats };
  resolvedWithin24h: Rate & { byChannel: Record<string, Rate> };
  backlog: { at: string; total: number; buckets: Record<BacklogBucket, number>; byChannel: Record<string, number>; byTeam: Record<string, number> };
  csat: { sent: number; answered: number; satisfied: number; score: number | null; responseRate: number | null; average: number | null };
  nps: { answered: number; promoters: number; passives: number; detractors: number; score: number | null };
  retention: { active: number; returned: number; retention: number | null; churn: number | null; byChannel: Record<string, Rate> };
}

export type BacklogBucket = 'lt1h' | 'h1to24' | 'd1to7' | 'gt7d';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function timeStats(values: number[]): TimeStats {
  if (values.length === 0) return { count: 0, meanMs: null, medianMs: null, p90Ms: null };
  const sorted = [...values].sort((a, b) => a - b);
  // The first value whose cumulative share reaches p — PostgreSQL's percentile_disc, so rollups agree.
  const rank = (p: number) => sorted[sorted.findIndex((_, i) => (i + 1) / sorted.length >= p)]!;
  return { count: sorted.length, meanMs: Math.round(sorted.reduce((s, v) => s + v, 0) / sorted.length), medianMs: rank(0.5), p90Ms: rank(0.9) };
}

export function rate(count: number, of: number): Rate {
  return { count, of, rate: of === 0 ? null : count / of };
}

const inPeriod = (at: Date, p: Period) => at >= p.from && at < p.to;

/** A conversation is FCR when it was not reopened, at most one human replied, and no transfer followed a human reply. */
export function isFirstContactResolution(f: ConversationFacts): boolean {
  return f.resolutions.length > 0 && f.reopens.length === 0 && f.humanRepliers.length <= 1 && !f.transferAfterHumanReply;
}

export function lastResolution(f: ConversationFacts): Date | null {
  return f.resolutions.at(-1)?.at ?? null;
}

/** Which conversations count for each figure (the drill-down lists the same sets). */
export const membership = {
  firstResponse: (f: ConversationFacts, p: Period) => f.segments.filter((s) => inPeriod(s.start, p) && s.firstReplyAt),
  humanFirstResponse: (f: ConversationFacts, p: Period) => f.segments.filter((s) => s.humanClockStart && inPeriod(s.humanClockStart, p) && s.firstHumanReplyAt),
  waits: (f: ConversationFacts, p: Period) => f.waits.filter((w) => w.end && inPeriod(w.start, p)),
  resolvedInPeriod: (f: ConversationFacts, p: Period) => {
    const r = lastResolution(f);
    return r !== null && inPeriod(r, p);
  },
  createdInPeriod: (f: ConversationFacts, p: Period) => inPeriod(f.createdAt, p),
  resolutionSegments: (f: ConversationFacts, p: Period) => f.segments.filter((s) => s.resolvedAt && inPeriod(s.resolvedAt, p)),
};

export function summarize(all: readonly ConversationFacts[], p: Period, opts: { business?: Duration; backlogAt?: Date; next?: readonly ConversationFacts[] } = {}): Summary {
  const business = opts.business ?? wallClock;
  const frt: number[] = [];
  const frtB: number[] = [];
  const hfrt: number[] = [];
  const hfrtB: number[] = [];
  const waits = { all: [] as number[], bot: [] as number[], human: [] as number[] };
  const waitsB = { all: [] as number[], bot: [] as number[], human: [] as number[] };
  const resolution: number[] = [];
  const resolutionB: number[] = [];
  let resolved = 0;
  let fcr = 0;
  let botResolved = 0;
  let botFcr = 0;
  let botHandled = 0;
  let contained = 0;
  let handedOff = 0;
  const byReason: Record<string, number> = {};
  const created: Record<string, { count: number; of: number }> = {};
  const csat = { sent: 0, answered: 0, satisfied: 0, total: 0 };
  const nps = { answered: 0, promoters: 0, passives: 0, detractors: 0 };

  for (const f of all) {
    for (const s of membership.firstResponse(f, p)) {
      frt.push(s.firstReplyAt!.getTime() - s.start.getTime());
      frtB.push(business(f.inboxId, s.start, s.firstReplyAt!));
    }
    for (const s of membership.humanFirstResponse(f, p)) {
      hfrt.push(s.firstHumanReplyAt!.getTime() - s.humanClockStart!.getTime());
      hfrtB.push(business(f.inboxId, s.humanClockStart!, s.firstHumanReplyAt!));
    }
    for (const w of membership.waits(f, p)) {
      const ms = w.end!.getTime() - w.start.getTime();
      const bms = business(f.inboxId, w.start, w.end!);
      waits.all.push(ms);
      waitsB.all.push(bms);
      waits[w.by!].push(ms);
      waitsB[w.by!].push(bms);
    }
    for (const s of membership.resolutionSegments(f, p)) {
      resolution.push(s.resolvedAt!.getTime() - s.start.getTime());
      resolutionB.push(business(f.inboxId, s.start, s.resolvedAt!));
    }
    if (membership.resolvedInPeriod(f, p)) {
      resolved++;
      const ok = isFirstContactResolution(f);
      if (ok) fcr++;
      if (f.humanRepliers.length === 0) {
        botResolved++;
        if (ok) botFcr++;
      }
    }
    if (membership.createdInPeriod(f, p)) {
      const c = (created[f.channel] ??= { count: 0, of: 0 });
      c.of++;
      const firstResolved = f.resolutions[0]?.at;
      if (firstResolved && firstResolved.getTime() - f.createdAt.getTime() <= DAY) c.count++;
      if (f.botHandled) {
        botHandled++;
        if (f.handoffs.length > 0) {
          handedOff++;
          const reason = f.handoffs[0]!.reason;
          byReason[reason] = (byReason[reason] ?? 0) + 1;
        } else if (f.resolutions.length > 0 && f.humanRepliers.length === 0) contained++;
      }
    }
    for (const s of f.surveys) {
      if (!inPeriod(s.at, p)) continue;
      if (s.kind === 'csat') {
        if (s.event === 'sent') csat.sent++;
        else if (s.score !== null) {
          csat.answered++;
          csat.total += s.score;
          if (s.score >= 4) csat.satisfied++;
        }
      } else if (s.kind === 'nps' && s.event === 'answered' && s.score !== null) {
        nps.answered++;
        if (s.score >= 9) nps.promoters++;
        else if (s.score >= 7) nps.passives++;
        else nps.detractors++;
      }
    }
  }

  const humanResolved = resolved - botResolved;
  const within = Object.values(created).reduce((a, c) => ({ count: a.count + c.count, of: a.of + c.of }), { count: 0, of: 0 });
  return {
    period: { from: p.from.toISOString(), to: p.to.toISOString() },
    firstResponse: { ...timeStats(frt), business: timeStats(frtB) },
    humanFirstResponse: { ...timeStats(hfrt), business: timeStats(hfrtB) },
    responseTime: {
      all: timeStats(waits.all),
      bot: timeStats(waits.bot),
      human: timeStats(waits.human),
      business: { all: timeStats(waitsB.all), bot: timeStats(waitsB.bot), human: timeStats(waitsB.human) },
    },
    fcr: { ...rate(fcr, resolved), bot: rate(botFcr, botResolved), human: rate(fcr - botFcr, humanResolved) },
    botContainment: rate(contained, botHandled),
    handoff: { ...rate(handedOff, botHandled), byReason },
    resolutionTime: { ...timeStats(resolution), business: timeStats(resolutionB) },
    resolvedWithin24h: { ...rate(within.count, within.of), byChannel: Object.fromEntries(Object.entries(created).map(([ch, c]) => [ch, rate(c.count, c.of)])) },
    backlog: backlog(all, opts.backlogAt ?? p.to),
    csat: csatFigure(csat),
    nps: npsFigure(nps),
    retention: retention(all, p, opts.next ?? all),
  };
}

/** CSAT from its counts: share of 4–5 among answers, answers among sends, mean score. */
export function csatFigure(c: { sent: number; answered: number; satisfied: number; total: number }): Summary['csat'] {
  return {
    sent: c.sent,
    answered: c.answered,
    satisfied: c.satisfied,
    score: c.answered === 0 ? null : c.satisfied / c.answered,
    responseRate: c.sent === 0 ? null : c.answered / c.sent,
    average: c.answered === 0 ? null : c.total / c.answered,
  };
}

/** NPS from its counts: % promoters − % detractors, one decimal. */
export function npsFigure(n: { answered: number; promoters: number; passives: number; detractors: number }): Summary['nps'] {
  return { ...n, score: n.answered === 0 ? null : Math.round(((n.promoters - n.detractors) / n.answered) * 1000) / 10 };
}

export function backlogBucket(ageMs: number): BacklogBucket {
  if (ageMs < HOUR) return 'lt1h';
  if (ageMs < DAY) return 'h1to24';
  if (ageMs < 7 * DAY) return 'd1to7';
  return 'gt7d';
}

function backlog(all: readonly ConversationFacts[], at: Date): Summary['backlog'] {
  const buckets: Record<BacklogBucket, number> = { lt1h: 0, h1to24: 0, d1to7: 0, gt7d: 0 };
  const byChannel: Record<string, number> = {};
  const byTeam: Record<string, number> = {};
  let total = 0;
  for (const f of all) {
    if (!openAt(f, at)) continue;
    total++;
    buckets[backlogBucket(at.getTime() - f.createdAt.getTime())]++;
    byChannel[f.channel] = (byChannel[f.channel] ?? 0) + 1;
    const team = f.teamId === null ? 'none' : String(f.teamId);
    byTeam[team] = (byTeam[team] ?? 0) + 1;
  }
  return { at: at.toISOString(), total, buckets, byChannel, byTeam };
}

/** Contacts who wrote in the period, and of them those who wrote again in the next period of the same length. */
function retention(all: readonly ConversationFacts[], p: Period, next: readonly ConversationFacts[]): Summary['retention'] {
  const length = p.to.getTime() - p.from.getTime();
  const nextPeriod = { from: p.to, to: new Date(p.to.getTime() + length) };
  const key = (f: ConversationFacts) => `${f.channel}:${f.contactId}`;
  const active = new Map<string, string>();
  for (const f of all) if (f.contactMessages.some((m) => inPeriod(m, p))) active.set(key(f), f.channel);
  const again = new Set<string>();
  for (const f of next) if (f.contactMessages.some((m) => inPeriod(m, nextPeriod))) again.add(key(f));
  const byChannel: Record<string, { count: number; of: number }> = {};
  let returned = 0;
  for (const [k, channel] of active) {
    const c = (byChannel[channel] ??= { count: 0, of: 0 });
    c.of++;
    if (again.has(k)) {
      c.count++;
      returned++;
    }
  }
  return {
    active: active.size,
    returned,
    retention: active.size === 0 ? null : returned / active.size,
    churn: active.size === 0 ? null : (active.size - returned) / active.size,
    byChannel: Object.fromEntries(Object.entries(byChannel).map(([ch, c]) => [ch, rate(c.count, c.of)])),
  };
}
