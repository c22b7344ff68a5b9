import express, { type Router } from 'express';
import { z } from 'zod';
import { rowIdParam } from './row-id';
import type { Summary, TimeStats } from '../reports/figures';
import { DRILL_FIGURES, SERIES_METRICS, type ReportService, type SeriesMetric } from '../reports/report-service';
import { csvLine } from '../core/csv';
import { parse, type ApiRouter } from './api-router';
import type { PathItem } from './openapi';

const DAY = 86_400_000;
const MAX_RANGE_DAYS = 400;

const filterQuery = z
  .object({
    from: z.coerce.date(),
    to: z.coerce.date(),
    channel: z.enum(['widget', 'messenger', 'zalo']).optional(),
    inbox: rowIdParam.optional(),
    team: rowIdParam.optional(),
    agent: rowIdParam.optional(),
    tz: z
      .string()
      .max(64)
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'unknown time zone')
      .default('Asia/Ho_Chi_Minh'),
  })
  .refine((q) => q.from < q.to, { message: '`from` must be before `to`', path: ['from'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_RANGE_DAYS * DAY, { message: `at most ${MAX_RANGE_DAYS} days per report`, path: ['to'] });
const seriesQuery = z.object({ metric: z.enum(Object.keys(SERIES_METRICS) as [SeriesMetric, ...SeriesMetric[]]), interval: z.enum(['day', 'week']).default('day') });
const drillQuery = z.object({ figure: z.enum(DRILL_FIGURES), limit: z.coerce.number().int().min(1).max(5000).default(500), offset: z.coerce.number().int().min(0).default(0) });

/**
 * Supervisors' and admins' reports (agents get 403): the summary with the counts behind
 * every figure, one metric over time, the conversations behind a figure, and a CSV with
 * the same numbers. All computed from the conversation event log (src/reports/).
 */
export function reportRoutes(api: ApiRouter, reports: ReportService): Router {
  const r = express.Router();
  const supervisors = api.requireAgent('admin', 'supervisor');
  const filterOf = (q: z.infer<typeof filterQuery>) => ({ channel: q.channel, inboxId: q.inbox, teamId: q.team, agentId: q.agent });

  r.get('/reports/summary', supervisors, async (req, res) => {
    const q = parse(filterQuery, req.query);
    res.json(await reports.summary({ from: q.from, to: q.to }, filterOf(q)));
  });

  r.get('/reports/timeseries', supervisors, async (req, res) => {
    const q = parse(filterQuery, req.query);
    const s = parse(seriesQuery, req.query);
    const points = await reports.timeseries({ from: q.from, to: q.to }, filterOf(q), s.metric, s.interval, q.tz);
    res.json({ metric: s.metric, interval: s.interval, timeZone: q.tz, points });
  });

  r.get('/reports/conversations', supervisors, async (req, res) => {
    const q = parse(filterQuery, req.query);
    const { figure, limit, offset } = parse(drillQuery, req.query);
    const { total, items } = await reports.conversations({ from: q.from, to: q.to }, filterOf(q), figure, { limit, offset });
    res.json({ figure, total, limit, offset, items });
  });

  r.get('/reports/export.csv', supervisors, async (req, res) => {
    const q = parse(filterQuery, req.query);
    const summary = await reports.summary({ from: q.from, to: q.to }, filterOf(q));
    const name = `omnigate-report-${q.from.toISOString().slice(0, 10)}-${q.to.toISOString().slice(0, 10)}.csv`;
    // The BOM makes Excel read the file as UTF-8 (Vietnamese names).
    res.type('text/csv; charset=utf-8').attachment(name).send(`\uFEFF${summaryCsv(summary)}`);
  });

  return r;
}

/** Figure rows (figure, value, count, of), then one row per agent and per team. */
export function summaryCsv(s: Summary & { byAgent: { id: number | null }[]; byTeam: { id: number | null }[] }): string {
  const lines = [csvLine(['figure', 'value', 'count', 'of'])];
  const time = (name: string, t: TimeStats) => {
    lines.push(csvLine([`${name} median (ms)`, t.medianMs, t.count, '']));
    lines.push(csvLine([`${name} p90 (ms)`, t.p90Ms, t.count, '']));
    lines.push(csvLine([`${name} mean (ms)`, t.meanMs, t.count, '']));
  };
  const share = (name: string, r: { rate: number | null; count: number; of: number }) => lines.push(csvLine([name, r.rate, r.count, r.of]));
  time('first response', s.firstResponse);
  time('first response, business hours', s.firstResponse.business);
  time('human first response', s.humanFirstResponse);
  time('human first response, business hours', s.humanFirstResponse.business);
  time('response time', s.responseTime.all);
  time('response time, bot', s.responseTime.bot);
  time('response time, human', s.responseTime.human);
  time('response time, business hours', s.responseTime.business.all);
  share('first-contact resolution', s.fcr);
  share('first-contact resolution, bot', s.fcr.bot);
  share('first-contact resolution, human', s.fcr.human);
  share('bot containment', s.botContainment);
  share('handoff rate', s.handoff);
  for (const [reason, n] of Object.entries(s.handoff.byReason)) lines.push(csvLine([`handoffs: ${reason}`, n, n, s.handoff.of]));
  time('resolution time', s.resolutionTime);
  time('resolution time, business hours', s.resolutionTime.business);
  share('resolved within 24 h', s.resolvedWithin24h);
  lines.push(csvLine(['backlog', s.backlog.total, s.backlog.total, '']));
  for (const [bucket, n] of Object.entries(s.backlog.buckets)) lines.push(csvLine([`backlog ${bucket}`, n, n, s.backlog.total]));
  lines.push(csvLine(['CSAT', s.csat.score, s.csat.satisfied, s.csat.answered]));
  lines.push(csvLine(['CSAT response rate', s.csat.responseRate, s.csat.answered, s.csat.sent]));
  lines.push(csvLine(['NPS', s.nps.score, s.nps.promoters - s.nps.detractors, s.nps.answered]));
  lines.push(csvLine(['retention', s.retention.retention, s.retention.returned, s.retention.active]));
  lines.push(csvLine(['churn', s.retention.churn, s.retention.active - s.retention.returned, s.retention.active]));
  const table = (title: string, rows: Record<string, unknown>[]) => {
    if (rows.length === 0) return;
    lines.push('');
    const keys = Object.keys(rows[0]!);
    lines.push(csvLine([title, ...keys.slice(1)]));
    for (const row of rows) lines.push(csvLine(keys.map((k) => row[k] as string | number | null)));
  };
  table('agent', s.byAgent as unknown as Record<string, unknown>[]);
  table('team', s.byTeam as unknown as Record<string, unknown>[]);
  return `${lines.join('\r\n')}\r\n`;
}

const filterParams = ['from', 'to', 'channel', 'inbox', 'team', 'agent', 'tz'].map((name) => ({ name, in: 'query', required: name === 'from' || name === 'to', schema: { type: 'string' } }));
const errors = { '400': { description: 'invalid filter' }, '401': { description: 'not signed in' }, '403': { description: 'supervisors and admins only' } };

export const reportPaths: Record<string, PathItem> = {
  '/reports/summary': { get: { summary: 'Every figure of docs/metrics.md for the period, with the counts behind it, and per agent / team tables', tags: ['reports'], parameters: filterParams, responses: { '200': { description: 'OK' }, ...errors } } },
  '/reports/timeseries': {
    get: { summary: 'One metric per day or week (local days in `tz`)', tags: ['reports'], parameters: [...filterParams, { name: 'metric', in: 'query', required: true, schema: { enum: Object.keys(SERIES_METRICS) } }, { name: 'interval', in: 'query', schema: { enum: ['day', 'week'] } }], responses: { '200': { description: 'OK' }, ...errors } },
  },
  '/reports/conversations': { get: { summary: 'The conversations behind one figure, with each one’s value: times longest first, others newest first; a page of `limit` from `offset`, and `total`', tags: ['reports'], parameters: [...filterParams, { name: 'figure', in: 'query', required: true, schema: { enum: [...DRILL_FIGURES] } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 5000, default: 500 } }, { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } }], responses: { '200': { description: 'OK' }, ...errors } } },
  '/reports/export.csv': { get: { summary: 'The summary as CSV (UTF-8 with BOM; formulas neutralised)', tags: ['reports'], parameters: filterParams, responses: { '200': { description: 'text/csv' }, ...errors } } },
};
