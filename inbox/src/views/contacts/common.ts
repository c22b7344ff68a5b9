/** Pieces shared by the contacts and campaigns screens. */
import { h, type ComponentChildren, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../../actions';
import { ApiError } from '../../api';
import { Avatar, ChannelBadge, Icon } from '../../ui';
import type { Contact } from './model';
import { tc } from './strings';

export type Loaded<T> = { status: 'loading' | 'ready' | 'error' | 'missing'; data: T | null; error: string | null };

/** Run `load` whenever `deps` change (and on `reload()`); keeps the last data while reloading; ignores stale answers. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> & { reload: () => void; set: (data: T) => void } {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading', data: null, error: null });
  const [version, setVersion] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, status: 'loading', error: null }));
    load().then(
      (data) => mine === seq.current && setState({ status: 'ready', data, error: null }),
      (err: unknown) => {
        if (mine !== seq.current) return;
        const missing = err instanceof ApiError && err.missingRoute;
        setState((s) => ({ ...s, status: missing ? 'missing' : 'error', error: errorText(err) }));
      },
    );
  }, [...deps, version]);
  return { ...state, reload: () => setVersion((v) => v + 1), set: (data: T) => setState({ status: 'ready', data, error: null }) };
}

/** A value that follows `value` after `ms` without a change (typing in a search box). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return v;
}

export function LabelChips(props: { labels: string[]; onRemove?: (label: string) => void }): JSX.Element | null {
  if (props.labels.length === 0) return null;
  return h(
    'span',
    { class: 'cc-labels' },
    props.labels.map((l) =>
      h(
        'span',
        { key: l, class: 'chip cc-label', 'data-testid': 'label-chip' },
        l,
        props.onRemove
          ? h('button', { type: 'button', class: 'cc-label-x', 'aria-label': tc('removeLabel', { label: l }), title: tc('removeLabel', { label: l }), onClick: () => props.onRemove!(l) }, '×')
          : null,
      ),
    ),
  );
}

export function ChannelBadges(props: { channels: string[] }): JSX.Element {
  return h(
    'span',
    { class: 'cc-channels' },
    props.channels.map((c) => h(ChannelBadge, { key: c, channel: c, withLabel: false })),
  );
}

/** A titled card (white box with a heading and optional actions). */
export function Card(props: { title: ComponentChildren; actions?: ComponentChildren; children?: ComponentChildren; testid?: string; class?: string; hint?: string }): JSX.Element {
  return h(
    'section',
    { class: `cc-card ${props.class ?? ''}`.trim(), 'data-testid': props.testid },
    h('div', { class: 'cc-card-head' }, h('div', null, h('h2', null, props.title), props.hint ? h('p', { class: 'muted cc-card-hint' }, props.hint) : null), props.actions ? h('div', { class: 'cc-card-actions' }, props.actions) : null),
    props.children,
  );
}

/** A figure with its label (campaign report, preview). */
export function Stat(props: { label: string; value: ComponentChildren; tone?: 'ok' | 'warn' | 'bad' | 'muted'; testid?: string }): JSX.Element {
  return h(
    'div',
    { class: `cc-stat ${props.tone ? `cc-stat-${props.tone}` : ''}`, 'data-testid': props.testid },
    h('span', { class: 'cc-stat-value' }, props.value),
    h('span', { class: 'cc-stat-label' }, props.label),
  );
}

export function contactLabel(c: { id: number; name: string | null }): string {
  return c.name?.trim() || tc('guest', { id: c.id });
}

export function ContactCell(props: { c: Contact; link?: boolean }): JSX.Element {
  const { c } = props;
  const name = contactLabel(c);
  const inner = [h(Avatar, { key: 'a', name, seed: c.id, url: c.avatarUrl, size: 'sm', anonymous: !c.name?.trim() }), h('span', { key: 'n', class: 'strong cc-name' }, name)];
  return props.link === false
    ? h('span', { class: 'cell-person' }, inner)
    : h('a', { class: 'cell-person cc-link', href: `#/contacts/${c.id}`, 'data-testid': 'contact-link' }, inner);
}

export function verifiedTick(): JSX.Element {
  return h('span', { class: 'cc-verified', title: tc('verified'), 'data-testid': 'verified' }, h(Icon, { name: 'check', size: 12, title: tc('verified') }));
}

