/**
 * One report metric over time, drawn with uPlot (loaded on demand from inbox-charts.js,
 * see charts/load-uplot.ts). Rates are drawn as percentages, durations in the unit that
 * suits the largest value, counts on whole numbers. Days without a value are gaps.
 */
import { h, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { loadUPlot } from '../../charts/load-uplot';
import type { UPlot } from '../../charts/global';
import { duration, numberText, percent, shortDate } from '../../format';
import { lang, t, type MessageKey } from '../../i18n';
import type { SeriesPoint } from '../../types';
import { ErrorNote, Spinner } from '../../ui';

export type ValueKind = 'count' | 'rate' | 'duration' | 'score';

export interface TimeChartProps {
  /** The chart's heading. */
  title: string;
  points: SeriesPoint[];
  kind: ValueKind;
  /** The series' name (the readout when the pointer is not over the chart). */
  label: string;
  interval: 'day' | 'week';
  bars?: boolean;
  testid?: string;
}

const HEIGHT = 240;
const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif";
const BRAND = '#1b62d6';
const AXIS = '#667085';
const GRID = '#eceef2';
const SECOND = 1000;
const UNITS: { ms: number; key: MessageKey }[] = [
  { ms: SECOND, key: 'unitSec' },
  { ms: 60 * SECOND, key: 'unitMin' },
  { ms: 3600 * SECOND, key: 'unitHour' },
  { ms: 86_400 * SECOND, key: 'unitDay' },
];
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** The unit a duration axis counts in: the largest whose count stays at or above 2 for the biggest value. */
function durationUnit(maxMs: number): { ms: number; key: MessageKey } {
  let unit = UNITS[0]!;
  for (const u of UNITS) if (maxMs >= 2 * u.ms) unit = u;
  return unit;
}

interface Scale {
  /** Value from the API → plotted value. */
  toPlot: (v: number) => number;
  /** Plotted value → legend text. */
  legend: (v: number) => string;
  /** Axis tick text. */
  tick: (v: number) => string;
  range: uPlot.Scale.Range;
  incrs?: number[];
}

function scaleFor(kind: ValueKind, values: number[]): Scale {
  const max = values.length ? Math.max(...values) : 0;
  switch (kind) {
    case 'rate':
      return { toPlot: (v) => v * 100, legend: (v) => percent(v / 100), tick: (v) => `${v}%`, range: [0, 100] };
    case 'score':
      return { toPlot: (v) => v, legend: (v) => numberText(v, true), tick: (v) => numberText(v, true), range: [-100, 100] };
    case 'count':
      return { toPlot: (v) => v, legend: (v) => numberText(v), tick: (v) => numberText(v), range: (_u, _min, hi) => [0, Math.max(4, Math.ceil((hi ?? 0) * 1.15))], incrs: COUNT_STEPS };
    case 'duration': {
      const unit = durationUnit(max);
      return {
        toPlot: (v) => v / unit.ms,
        legend: (v) => duration(v * unit.ms),
        tick: (v) => `${numberText(v)} ${t(unit.key)}`,
        range: (_u, _min, hi) => [0, Math.max(1, hi ?? 0) * 1.1],
      };
    }
  }
}

function options(U: UPlot, p: TimeChartProps, width: number, onHover: (text: string | null) => void): { opts: uPlot.Options; data: uPlot.AlignedData } {
  const xs = p.points.map((pt) => Date.parse(pt.start) / 1000);
  const raw = p.points.map((pt) => pt.value);
  const scale = scaleFor(
    p.kind,
    raw.filter((v): v is number => v !== null),
  );
  const ys = raw.map((v) => (v === null ? null : scale.toPlot(v)));
  // Half a bucket of room on both sides, so the first and last bars are whole.
  const half = (p.interval === 'week' ? 7 : 1) * 43_200;
  const opts: uPlot.Options = {
    width,
    height: HEIGHT,
    padding: [12, 16, 0, 4],
    cursor: { y: false, drag: { x: false, y: false, setScale: false }, points: { size: 10 } },
    legend: { show: false },
    hooks: {
      setCursor: [
        (u) => {
          const i = u.cursor.idx;
          if (i === null || i === undefined || xs[i] === undefined) return onHover(null);
          const v = ys[i];
          onHover(`${shortDate(xs[i]! * 1000, true)}: ${v === null || v === undefined ? t('none') : scale.legend(v)}`);
        },
      ],
    },
    scales: {
      x: { time: true, range: (_u, min, max) => [(min ?? 0) - half, (max ?? 0) + half] },
      y: { range: scale.range },
    },
    axes: [
      { stroke: AXIS, font: FONT, size: 30, space: 56, grid: { show: false }, ticks: { stroke: GRID, size: 4 }, values: (_u, splits) => splits.map((s) => shortDate(s * 1000)) },
      { stroke: AXIS, font: FONT, size: 72, space: 36, grid: { stroke: GRID, width: 1 }, ticks: { show: false }, values: (_u, splits) => splits.map(scale.tick), ...(scale.incrs ? { incrs: scale.incrs } : {}) },
    ],
    series: [
      {},
      p.bars
        ? { label: p.label, stroke: BRAND, width: 0, fill: 'rgba(27, 98, 214, 0.75)', paths: U.paths.bars!({ size: [0.7, 40], gap: 1 }), points: { show: false } }
        : { label: p.label, stroke: BRAND, width: 2, fill: 'rgba(27, 98, 214, 0.07)', spanGaps: false, points: { show: true, size: 8, width: 2, fill: BRAND, stroke: BRAND } },
    ],
  };
  return { opts, data: [xs, ys] as uPlot.AlignedData };
}

export function TimeChart(props: TimeChartProps): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>(window.omnigateUPlot ? 'ready' : 'loading');
  const [attempt, setAttempt] = useState(0);
  const [hover, setHover] = useState<string | null>(null);
  const language = lang();

  useEffect(() => {
    let chart: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let alive = true;
    loadUPlot().then(
      (U) => {
        if (!alive || !host.current) return;
        setStatus('ready');
        const el = host.current;
        const width = Math.max(200, el.clientWidth);
        const { opts, data } = options(U, props, width, (text) => alive && setHover(text));
        chart = new U(opts, data, el);
        observer = new ResizeObserver(() => {
          const w = Math.max(200, el.clientWidth);
          if (chart && Math.abs(chart.width - w) > 1) chart.setSize({ width: w, height: HEIGHT });
        });
        observer.observe(el);
      },
      () => alive && setStatus('error'),
    );
    return () => {
      alive = false;
      observer?.disconnect();
      chart?.destroy();
      setHover(null);
    };
  }, [props.points, props.kind, props.label, props.interval, props.bars, language, attempt]);

  const empty = props.points.every((pt) => pt.value === null);
  return h(
    'div',
    { class: 'chart', 'data-testid': props.testid, 'data-status': status },
    h(
      'div',
      { class: 'chart-card-head' },
      h('h2', null, props.title),
      h(
        'span',
        { class: 'chart-readout', 'aria-live': 'polite', 'data-testid': 'chart-readout' },
        hover ? h('strong', null, hover) : [h('span', { key: 's', class: 'chart-swatch', 'aria-hidden': 'true' }), props.label],
      ),
    ),
    h('div', { class: 'chart-host', ref: host, role: 'img', 'aria-label': props.title }),
    status === 'loading' ? h('div', { class: 'chart-overlay' }, h(Spinner, null)) : null,
    status === 'error'
      ? h(
          'div',
          { class: 'chart-overlay' },
          h(ErrorNote, {
            text: t('chartLoadFailed'),
            onRetry: () => {
              setStatus('loading');
              setAttempt((n) => n + 1);
            },
          }),
        )
      : null,
    status === 'ready' && empty ? h('div', { class: 'chart-overlay chart-empty muted' }, t('chartEmpty')) : null,
  );
}
