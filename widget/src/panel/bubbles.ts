import type { WidgetLang, WidgetMessage } from '../../../channels/widget/protocol';
import type { PanelStrings } from '../i18n';
import { ICONS, h, icon, type Child } from '../dom';
import { linkify, safeHttpUrl } from './linkify';
import type { OutboxItem } from './storage';

/** One row of the message list: a stored message, a queued one, or an upload in progress. */
export type ListItem =
  | { kind: 'stored'; message: WidgetMessage; showName: boolean; seen: boolean }
  | { kind: 'pending'; item: OutboxItem }
  | { kind: 'uploading'; id: string; name: string };

export interface BubbleContext {
  t: PanelStrings;
  lang: WidgetLang;
  /** For resolving relative upload links. */
  base: string;
  onRetry(clientId: string): void;
}

/** Stable key: the visitor's own messages keep theirs from "sending" to stored, so the row is updated in place. */
export function itemKey(item: ListItem): string {
  if (item.kind === 'pending') return `c:${item.item.clientId}`;
  if (item.kind === 'uploading') return `u:${item.id}`;
  return item.message.clientId ? `c:${item.message.clientId}` : `i:${item.message.id}`;
}

/** Text as text nodes and vetted <a> elements — never HTML. */
export function richText(text: string): Child[] {
  return linkify(text).map((part) =>
    'href' in part ? h('a', { href: part.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, part.text) : part.text,
  );
}

function formatTime(iso: string, lang: WidgetLang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
  const time: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
  const today = date.toDateString() === new Date().toDateString();
  return today ? date.toLocaleTimeString(locale, time) : date.toLocaleString(locale, { ...time, day: '2-digit', month: '2-digit' });
}

function formatSize(bytes: number | undefined): string {
  if (!bytes) return '';
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

const linkAttrs = (href: string) => ({ href, target: '_blank', rel: 'noopener noreferrer nofollow' });

function messageBody(message: WidgetMessage, ctx: BubbleContext): HTMLElement {
  const c = message.content;
  switch (c.type) {
    case 'image': {
      const url = safeHttpUrl(c.url, ctx.base);
      if (!url) return h('div', { class: 'og-bubble' }, `[${ctx.t.image}]`);
      return h(
        'div',
        { class: 'og-bubble og-media' },
        h('a', linkAttrs(url), h('img', { src: url, alt: c.caption ?? ctx.t.image, loading: 'lazy' })),
        c.caption ? h('div', { class: 'og-caption' }, ...richText(c.caption)) : null,
      );
    }
    case 'file': {
      const url = safeHttpUrl(c.url, ctx.base);
      const name = c.name ?? ctx.t.file;
      if (!url) return h('div', { class: 'og-bubble' }, `[${name}]`);
      const size = formatSize(c.size);
      return h('div', { class: 'og-bubble' }, h('a', { ...linkAttrs(url), class: 'og-file', download: name }, icon(ICONS.file, 20), h('span', null, name, size ? h('small', null, ` · ${size}`) : null)));
    }
    default:
      return h('div', { class: 'og-bubble' }, ...richText(c.text));
  }
}

function pendingText(item: OutboxItem): string {
  const c = item.content;
  return c.type === 'upload' ? `📎 ${item.label ?? ''}`.trim() : c.text;
}

/** Build the row for one list item. */
export function renderItem(item: ListItem, ctx: BubbleContext): HTMLElement {
  const { t } = ctx;
  if (item.kind === 'uploading') {
    return h('div', { class: 'og-row og-in og-sending', 'data-testid': 'og-message', 'data-direction': 'in', 'data-state': 'uploading' }, h('div', { class: 'og-bubble' }, `📎 ${item.name}`), h('div', { class: 'og-meta' }, t.uploading));
  }
  if (item.kind === 'pending') {
    const { clientId, state } = item.item;
    const meta =
      state === 'failed'
        ? h('div', { class: 'og-meta', role: 'alert' }, t.failed, retryButton(clientId, ctx))
        : h('div', { class: 'og-meta' }, t.sending);
    return h(
      'div',
      { class: `og-row og-in og-${state}`, 'data-testid': 'og-message', 'data-direction': 'in', 'data-client-id': clientId, 'data-state': state },
      h('div', { class: 'og-bubble' }, ...richText(pendingText(item.item))),
      meta,
    );
  }
  const m = item.message;
  const side = m.senderType === 'system' ? 'og-system' : m.direction === 'in' ? 'og-in' : 'og-out';
  return h(
    'div',
    { class: `og-row ${side}`, 'data-testid': 'og-message', 'data-direction': m.direction, 'data-id': m.id, 'data-client-id': m.clientId, 'data-state': 'sent', 'data-sender': m.senderType },
    item.showName && m.senderName ? h('div', { class: 'og-name' }, m.senderName) : null,
    messageBody(m, ctx),
    m.senderType === 'system' ? null : h('div', { class: 'og-meta' }, h('time', { datetime: m.createdAt }, formatTime(m.createdAt, ctx.lang))),
    item.seen ? h('div', { class: 'og-seen' }, t.seen) : null,
  );
}

function retryButton(clientId: string, ctx: BubbleContext): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'og-link-btn', 'data-testid': 'og-retry' }, ctx.t.retry);
  button.addEventListener('click', () => ctx.onRetry(clientId));
  return button;
}

/** A cheap fingerprint of what a row shows, to rebuild only rows that changed. */
export function itemSignature(item: ListItem, lang: WidgetLang): string {
  if (item.kind === 'stored') return JSON.stringify([lang, item.message, item.showName, item.seen]);
  if (item.kind === 'pending') return JSON.stringify([lang, item.item]);
  return JSON.stringify([lang, item.id]);
}
