/**
 * The reports screen (supervisors and admins; the API answers agents 403): the headline
 * figures as cards with the counts behind them, the chosen figure and the new
 * conversations over time, per-agent and per-team tables, filters, and a CSV export
 * with the same filters. Everything comes from `GET /reports/*` (src/api/report-routes.ts).
 */
import { h, type ComponentChildren, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../../api';
import { API_BASE } from '../../api';
import { errorText } from '../../actions';
import { channelLabel, duration, numberText, percent, shortDate } from '../../format';
import { t, type MessageKey } from '../../i18n';
import { getState } from '../../store';
import type { BacklogBucket, Rate, ReportGroupRow, ReportSummary, Series, SeriesMetric } from '../../types';
import { Avatar, Button, Empty, ErrorNote, Field, Icon, Spinner } from '../../ui';
import { TimeChart, type ValueKind } from './chart';
import { parseYmd, periodOf, presetFilters, PRESETS, reportQuery, type ReportFilters } from './period';

const CHANNELS = ['widget', 'messenger', 'zalo'] as const;
const BUCKETS: [BacklogBucket, MessageKey][] = [
  ['lt1h', 'ageLt1h'],
  ['h1to24', 'ageH1to24'],
  ['d1to7', 'ageD1to7'],
  ['gt7d', 'ageGt7d'],
];

/** What each card shows, and the series its chart draws. */
interface CardDef {
  id: string;
  metric: SeriesMetric;
  kind: ValueKind;
  label: MessageKey;
  hint: MessageKey;
  value: (s: ReportSummary) => ComponentChildren;
  sub: (s: ReportSummary) => ComponentChildren;
}

const counts = (key: MessageKey, r: Rate) => t(key, { count: r.count, of: r.of });

const CARDS: CardDef[] = [
  {
    id: 'firstResponse',
    metric: 'firstResponseMedian',
    kind: 'duration',
    label: 'mFirstResponse',
    hint: 'mFirstResponseHint',
    value: (s) => duration(s.firstResponse.medianMs),
    sub: (s) => t('subTimes', { p90: duration(s.firstResponse.p90Ms), n: s.firstResponse.count }),
  },
  {
    id: 'humanFirstResponse',
    metric: 'humanFirstResponseMedian',
    kind: 'duration',
    label: 'mHumanFirstResponse',
    hint: 'mHumanFirstResponseHint',
    value: (s) => duration(s.humanFirstResponse.medianMs),
    sub: (s) => t('subTimes', { p90: duration(s.humanFirstResponse.p90Ms), n: s.humanFirstResponse.count }),
  },
  {
    id: 'responseTime',
    metric: 'responseTimeMean',
    kind: 'duration',
    label: 'mResponseTime',
    hint: 'mResponseTimeHint',
    value: (s) =>
      h(
        'span',
        { class: 'split-values' },
        h('span', { 'data-testid': 'response-bot' }, h('small', null, t('byBot')), ' ', h('span', { class: 'v' }, duration(s.responseTime.bot.meanMs))),
        h('span', { 'data-testid': 'response-human' }, h('small', null, t('byHuman')), ' ', h('span', { class: 'v' }, duration(s.responseTime.human.meanMs))),
      ),
    sub: (s) => t('subResponse', { bot: s.responseTime.bot.count, human: s.responseTime.human.count }),
  },
  { id: 'fcr', metric: 'fcr', kind: 'rate', label: 'mFcr', hint: 'mFcrHint', value: (s) => percent(s.fcr.rate), sub: (s) => counts('subFcr', s.fcr) },
  { id: 'botContainment', metric: 'botContainment', kind: 'rate', label: 'mBotContainment', hint: 'mBotContainmentHint', value: (s) => percent(s.botContainment.rate), sub: (s) => counts('subBot', s.botContainment) },
  { id: 'handoff', metric: 'handoffRate', kind: 'rate', label: 'mHandoff', hint: 'mHandoffHint', value: (s) => percent(s.handoff.rate), sub: (s) => counts('subBot', s.handoff) },
  { id: 'within24h', metric: 'resolvedWithin24h', kind: 'rate', label: 'mWithin24h', hint: 'mWithin24hHint', value: (s) => percent(s.resolvedWithin24h.rate), sub: (s) => counts('subNew', s.resolvedWithin24h) },
  {
    id: 'backlog',
    metric: 'backlog',
    kind: 'count',
    label: 'mBacklog',
    hint: 'mBacklogHint',
    value: (s) => numberText(s.backlog.total),
    sub: (s) =>
      h(
        'span',
        { class: 'age-chips' },
        BUCKETS.map(([b, key]) => h('span', { key: b, class: `age-chip ${s.backlog.buckets[b] > 0 ? 'on' : ''}` }, `${t(key)}: ${s.backlog.buckets[b]}`)),
      ),
  },
  {
    id: 'csat',
    metric: 'csat',
    kind: 'rate',
    label: 'mCsat',
    hint: 'mCsatHint',
    value: (s) => percent(s.csat.score),
    sub: (s) => t('subCsat', { satisfied: s.csat.satisfied, answered: s.csat.answered, sent: s.csat.sent }),
  },
  {
    id: 'nps',
    metric: 'nps',
    kind: 'score',
    label: 'mNps',
    hint: 'mNpsHint',
    value: (s) => numberText(s.nps.score, true),
    sub: (s) => t('subNps', { promoters: s.nps.promoters, detractors: s.nps.detractors, answered: s.nps.answered }),
  },
];

const CONVERSATIONS_KIND: ValueKind = 'count';

// The filters and the chosen card outlive the screen (back from the inbox, same choice), for the same person.
let remembered: { agentId: number; filters: ReportFilters; card: string } | null = null;

function canSeeReports(): boolean {
  const role = getState().me?.role;
  return role === 'admin' || role === 'supervisor';
}

type Load<T> = { status: 'loading' | 'ready' | 'error'; data: T | null; error: string | null; query: string | null };

/** GET `path + query` whenever the query changes; keeps the last data while reloading. */
function useReport<T>(path: string, query: string | null, version: number): Load<T> {
  const [state, setState] = useState<Load<T>>({ status: 'loading', data: null, error: null, query: null });
  const seq = useRef(0);
  useEffect(() => {
    if (query === null) return;
    const mine = ++seq.current;
    setState((s) => ({ ...s, status: 'loading', error: null }));
    api.get<T>(`${path}${query}`).then(
      (data) => mine === seq.current && setState({ status: 'ready', data, error: null, query }),
      (err: unknown) => mine === seq.current && setState((s) => ({ ...s, status: 'error', error: errorText(err) })),
    );
  }, [path, query, version]);
  return state;
}

function Filters(props: { f: ReportFilters; set: (f: ReportFilters) => void; invalid: boolean }): JSX.Element {
  const { f, set } = props;
  const s = getState();
  const onDate = (key: 'fromDate' | 'toDate') => (e: Event) => {
    const value = (e.target as HTMLInputElement).value;
    if (parseYmd(value)) set({ ...f, [key]: value, preset: 'custom', asOf: Date.now() });
  };
  const select = (key: 'channel' | 'inbox' | 'team' | 'agent', all: MessageKey, options: { value: string; label: string }[], label: MessageKey) =>
    h(
      Field,
      { label: t(label) },
      h(
        'select',
        { value: f[key], onChange: (e: Event) => set({ ...f, [key]: (e.target as HTMLSelectElement).value }), 'data-testid': `report-${key}` },
        h('option', { value: '' }, t(all)),
        options.map((o) => h('option', { key: o.value, value: o.value }, o.label)),
      ),
    );
  const byName = <T extends { name: string }>(list: T[] | null) => [...(list ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return h(
    'div',
    { class: 'report-filters', role: 'group', 'aria-label': t('reportsFilters') },
    h(
      'div',
      { class: 'field' },
      h('span', { class: 'field-label' }, t('period')),
      h(
        'div',
        { class: 'segmented', role: 'group', 'aria-label': t('period') },
        PRESETS.map((p) =>
          h(
            'button',
            { key: p, type: 'button', class: f.preset === p ? 'active' : '', 'aria-pressed': String(f.preset === p), onClick: () => set(presetFilters(p, Date.now(), f)), 'data-testid': `preset-${p}` },
            t(`last${p}` as MessageKey),
          ),
        ),
        h('button', { type: 'button', class: f.preset === 'custom' ? 'active' : '', 'aria-pressed': String(f.preset === 'custom'), onClick: () => set({ ...f, preset: 'custom' }), 'data-testid': 'preset-custom' }, t('customRange')),
      ),
    ),
    h(Field, { label: t('fromDate') }, h('input', { type: 'date', value: f.fromDate, max: f.toDate, onChange: onDate('fromDate'), 'aria-invalid': String(props.invalid), 'data-testid': 'report-from' })),
    h(Field, { label: t('toDate') }, h('input', { type: 'date', value: f.toDate, min: f.fromDate, onChange: onDate('toDate'), 'aria-invalid': String(props.invalid), 'data-testid': 'report-to' })),
    select('channel', 'allChannels', CHANNELS.map((c) => ({ value: c, label: channelLabel(c) })), 'channel'),
    select('inbox', 'allInboxes', byName(s.inboxes).map((i) => ({ value: String(i.id), label: i.name })), 'inboxLabel'),
    select('team', 'allTeams', byName(s.teams).map((tm) => ({ value: String(tm.id), label: tm.name })), 'team'),
    select('agent', 'allAgents', byName(s.agents).map((a) => ({ value: String(a.id), label: a.name })), 'assignAgent'),
  );
}

function Card(props: { def: CardDef; s: ReportSummary; active: boolean; onSelect: () => void }): JSX.Element {
  const { def, s } = props;
  return h(
    'button',
    { type: 'button', class: `report-card ${props.active ? 'active' : ''}`, 'aria-pressed': String(props.active), title: t(def.hint), onClick: props.onSelect, 'data-testid': `card-${def.id}` },
    h('span', { class: 'report-card-label' }, t(def.label)),
    h('span', { class: 'report-card-value', 'data-testid': 'card-value' }, def.value(s)),
    h('span', { class: 'report-card-sub', 'data-testid': 'card-sub' }, def.sub(s)),
  );
}

function agentName(id: number | null): string {
  if (id === null) return t('noAgentRow');
  return getState().agents?.find((a) => a.id === id)?.name ?? t('unknownAgent', { id });
}

function teamName(id: number | null): string {
  if (id === null) return t('noTeamAssigned');
  return getState().teams?.find((tm) => tm.id === id)?.name ?? t('unknownTeam', { id });
}

function GroupTable(props: { title: string; rows: ReportGroupRow[]; nameOf: (id: number | null) => string; person?: boolean; testid: string }): JSX.Element {
  const csat = (r: ReportGroupRow) => (r.csatAnswered === 0 ? t('none') : t('csatCell', { score: percent(r.csatScore), n: r.csatAnswered }));
  return h(
    'section',
    { class: 'report-section', 'data-testid': props.testid },
    h('h2', null, props.title),
    props.rows.length === 0
      ? h('div', { class: 'report-empty muted' }, t('groupEmpty'))
      : h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'table report-table' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', null, t('name')),
                h('th', { class: 'num' }, t('colConversations')),
                h('th', { class: 'num' }, t('colResolved')),
                h('th', { class: 'num' }, t('colFcr')),
                h('th', { class: 'num' }, t('colFirstResponse')),
                h('th', { class: 'num' }, t('colHumanFirstResponse')),
                h('th', { class: 'num' }, t('colResponseTime')),
                h('th', { class: 'num' }, t('colCsat')),
              ),
            ),
            h(
              'tbody',
              null,
              props.rows.map((r) =>
                h(
                  'tr',
                  { key: String(r.id), 'data-testid': 'group-row', 'data-id': String(r.id ?? '') },
                  h(
                    'td',
                    null,
                    props.person && r.id !== null
                      ? h('span', { class: 'cell-person' }, h(Avatar, { name: props.nameOf(r.id), seed: `agent-${r.id}`, size: 'sm' }), h('span', { class: 'strong' }, props.nameOf(r.id)))
                      : h('span', { class: r.id === null ? 'muted' : 'strong' }, props.nameOf(r.id)),
                  ),
                  h('td', { class: 'num' }, numberText(r.conversations)),
                  h('td', { class: 'num' }, numberText(r.resolved)),
                  h('td', { class: 'num' }, percent(r.fcrRate)),
                  h('td', { class: 'num' }, duration(r.firstResponseMeanMs)),
                  h('td', { class: 'num' }, duration(r.humanFirstResponseMeanMs)),
                  h('td', { class: 'num' }, duration(r.responseTimeMeanMs)),
                  h('td', { class: 'num' }, csat(r)),
                ),
              ),
            ),
          ),
        ),
  );
}

function ChartCard(props: { title: string; series: Load<Series>; kind: ValueKind; label: string; bars?: boolean; testid: string }): JSX.Element {
  const { series } = props;
  return h(
    'section',
    { class: 'report-section chart-card', 'data-testid': props.testid },
    series.data
      ? h(TimeChart, { title: props.title, points: series.data.points, kind: props.kind, label: props.label, interval: series.data.interval, bars: props.bars, testid: `${props.testid}-chart` })
      : [
          h('div', { key: 'head', class: 'chart-card-head' }, h('h2', null, props.title)),
          series.status === 'error' ? h(ErrorNote, { key: 'err', text: series.error ?? t('genericError') }) : h('div', { key: 'wait', class: 'chart-placeholder' }, h(Spinner, null)),
        ],
  );
}

function ReportsBody(_props: object): JSX.Element {
  const me = getState().me?.id ?? 0;
  // A remembered preset ends now again ("the last 30 days" as of this visit).
  const [filters, setFilters] = useState<ReportFilters>(() => {
    const f = remembered?.agentId === me ? remembered.filters : undefined;
    if (!f) return presetFilters(30, Date.now());
    return f.preset === 'custom' ? { ...f, asOf: Date.now() } : { ...presetFilters(f.preset, Date.now(), f), interval: f.interval };
  });
  const [card, setCard] = useState<string>(() => (remembered?.agentId === me ? remembered.card : 'fcr'));
  const [version, setVersion] = useState(0);
  useEffect(() => {
    remembered = { agentId: me, filters, card };
  }, [filters, card]);

  const query = reportQuery(filters);
  const def = CARDS.find((c) => c.id === card) ?? CARDS[3]!;
  const withInterval = (metric: SeriesMetric) => (query === null ? null : `${query}&${api.qs({ metric, interval: filters.interval }).slice(1)}`);
  const summary = useReport<ReportSummary>('/reports/summary', query, version);
  const metricSeries = useReport<Series>('/reports/timeseries', withInterval(def.metric), version);
  const volume = useReport<Series>('/reports/timeseries', withInterval('conversations'), version);
  const period = periodOf(filters);
  const s = summary.data;
  const busy = summary.status === 'loading' || metricSeries.status === 'loading' || volume.status === 'loading';
  const per = filters.interval === 'week' ? t('perWeek') : t('perDay');
  const csvHref = query === null ? undefined : `${API_BASE}/reports/export.csv${query}`;

  return h(
    'div',
    { class: 'reports-page', 'data-testid': 'reports', 'data-busy': String(busy) },
    h(
      'div',
      { class: 'admin-head' },
      h(
        'div',
        null,
        h('h1', null, t('reports')),
        h(
          'p',
          { class: 'muted' },
          period ? h('span', { class: 'report-period', 'data-testid': 'report-period' }, `${shortDate(period.from, true)} – ${shortDate(period.to.getTime() - 1, true)}`) : null,
          period ? ' · ' : null,
          t('reportsHint'),
        ),
      ),
      h(
        'div',
        { class: 'admin-actions' },
        busy ? h(Spinner, null) : null,
        h(Button, {
          variant: 'ghost',
          icon: 'refresh',
          onClick: () => {
            // A period that reaches today ends now again.
            setFilters(filters.preset === 'custom' ? { ...filters, asOf: Date.now() } : { ...presetFilters(filters.preset, Date.now(), filters), interval: filters.interval });
            setVersion((v) => v + 1);
          },
          testid: 'report-refresh',
        }, t('refresh')),
        csvHref
          ? h('a', { class: 'btn btn-primary', href: csvHref, download: '', title: t('exportReportHint'), 'data-testid': 'report-csv' }, h(Icon, { name: 'download' }), h('span', null, t('exportReportCsv')))
          : null,
      ),
    ),
    h(Filters, { f: filters, set: setFilters, invalid: query === null }),
    query === null ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'report-range-error' }, t('badRange')) : null,
    summary.status === 'error' ? h(ErrorNote, { text: summary.error ?? t('genericError'), onRetry: () => setVersion((v) => v + 1) }) : null,
    s
      ? h(
          'div',
          { class: `report-body ${busy ? 'is-stale' : ''}` },
          h(
            'div',
            { class: 'report-cards' },
            CARDS.map((c) => h(Card, { key: c.id, def: c, s, active: c.id === def.id, onSelect: () => setCard(c.id) })),
          ),
          h(
            'div',
            { class: 'report-charts-head' },
            h('h2', null, t('chartsTitle')),
            h(
              'div',
              { class: 'segmented segmented-sm', role: 'group', 'aria-label': t('interval') },
              (['day', 'week'] as const).map((iv) =>
                h(
                  'button',
                  { key: iv, type: 'button', class: filters.interval === iv ? 'active' : '', 'aria-pressed': String(filters.interval === iv), onClick: () => setFilters({ ...filters, interval: iv }), 'data-testid': `interval-${iv}` },
                  iv === 'day' ? t('intervalDay') : t('intervalWeek'),
                ),
              ),
            ),
          ),
          h(
            'div',
            { class: 'report-charts' },
            h(ChartCard, { title: `${t(def.label)} ${per}`, series: metricSeries, kind: def.kind, label: t(def.label), testid: 'chart-metric' }),
            h(ChartCard, { title: `${t('mConversations')} ${per}`, series: volume, kind: CONVERSATIONS_KIND, label: t('mConversations'), bars: true, testid: 'chart-volume' }),
          ),
          h(GroupTable, { title: t('byAgentTitle'), rows: s.byAgent, nameOf: agentName, person: true, testid: 'by-agent' }),
          h(GroupTable, { title: t('byTeamTitle'), rows: s.byTeam, nameOf: teamName, testid: 'by-team' }),
        )
      : summary.status === 'loading'
        ? h('div', { class: 'list-loading' }, h(Spinner, null))
        : null,
  );
}

export function ReportsScreen(_props: object): JSX.Element {
  return h(
    'div',
    { class: 'reports' },
    canSeeReports() ? h(ReportsBody, null) : h('div', { class: 'reports-page' }, h(Empty, { icon: 'lock', title: t('reportsNoAccess') })),
  );
}
