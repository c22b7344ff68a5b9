/**
 * One message bubble. Everything a contact, bot or agent wrote is rendered as text
 * (Preact escapes it); links and media only with http(s) URLs.
 */
import { h, type JSX } from 'preact';
import { resendMessage, retryLocal } from '../actions';
import { clockTime, fileSize, linkify, safeUrl } from '../format';
import { t, type MessageKey } from '../i18n';
import type { ShownMessage } from '../store';
import type { Agent, MessageContent } from '../types';
import { Button, Icon } from '../ui';

const EXTERNAL = { target: '_blank', rel: 'noopener noreferrer' } as const;

function Text(props: { text: string }): JSX.Element {
  return h(
    'div',
    { class: 'msg-text' },
    linkify(props.text).map((part, i) => (part.href ? h('a', { key: i, href: part.href, ...EXTERNAL }, part.text) : part.text)),
  );
}

function unsafe(): JSX.Element {
  return h('div', { class: 'msg-unsafe' }, t('unsafeLink'));
}

export function Content(props: { c: MessageContent }): JSX.Element {
  const c = props.c ?? { type: 'unknown' };
  switch (c.type) {
    case 'text':
      return h(
        'div',
        null,
        h(Text, { text: String(c.text ?? '') }),
        Array.isArray(c.quickReplies) && c.quickReplies.length > 0
          ? h('div', { class: 'quick-replies' }, c.quickReplies.map((q, i) => h('span', { key: i, class: 'quick-reply' }, String(q.title))))
          : null,
      );
    case 'quick_reply':
      return h('div', null, h('span', { class: 'msg-tag' }, t('quickReply')), h(Text, { text: String(c.text ?? '') }));
    case 'postback':
      return h('div', null, h('span', { class: 'msg-tag' }, t('postback')), h(Text, { text: String(c.title ?? c.payload ?? '') }));
    case 'image': {
      const url = safeUrl(c.url);
      if (!url) return unsafe();
      return h(
        'div',
        { class: 'msg-media' },
        h('a', { href: url, ...EXTERNAL, title: t('openOriginal') }, h('img', { src: url, alt: c.caption ? String(c.caption) : t('image'), loading: 'lazy', referrerpolicy: 'no-referrer' })),
        c.caption ? h(Text, { text: String(c.caption) }) : null,
      );
    }
    case 'sticker': {
      const url = safeUrl(c.url);
      return url ? h('img', { class: 'msg-sticker', src: url, alt: t('sticker'), loading: 'lazy', referrerpolicy: 'no-referrer' }) : h('div', { class: 'msg-tag' }, t('sticker'));
    }
    case 'file': {
      const url = safeUrl(c.url);
      const inner = [
        h('span', { class: 'file-icon' }, h(Icon, { name: 'file', size: 20 })),
        h('span', { class: 'file-meta' }, h('span', { class: 'file-name' }, String(c.name ?? t('file'))), h('span', { class: 'file-size' }, [fileSize(c.size), c.mimeType].filter(Boolean).join(' · '))),
        url ? h(Icon, { name: 'download' }) : null,
      ];
      return url ? h('a', { class: 'file-card', href: url, ...EXTERNAL, download: c.name ? String(c.name) : true }, inner) : h('div', null, h('div', { class: 'file-card' }, inner), unsafe());
    }
    case 'audio':
    case 'video': {
      const url = safeUrl(c.url);
      if (!url) return unsafe();
      return c.type === 'audio'
        ? h('audio', { class: 'msg-audio', controls: true, preload: 'none', src: url })
        : h('video', { class: 'msg-video', controls: true, preload: 'metadata', src: url });
    }
    case 'location': {
      const lat = Number(c.lat);
      const lng = Number(c.lng);
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) return h('div', { class: 'msg-tag' }, t('location'));
      const href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=17/${lat}/${lng}`;
      return h('a', { class: 'file-card', href, ...EXTERNAL }, h('span', { class: 'file-icon' }, h(Icon, { name: 'pin', size: 20 })), h('span', { class: 'file-meta' }, h('span', { class: 'file-name' }, String(c.label ?? t('location'))), h('span', { class: 'file-size' }, `${lat.toFixed(5)}, ${lng.toFixed(5)}`)));
    }
    default:
      return h('div', { class: 'msg-tag' }, t('unsupported', { type: String(c.type) }));
  }
}

const STATUS_KEY: Record<string, MessageKey> = { pending: 'stPending', sent: 'stSent', delivered: 'stDelivered', read: 'stRead', failed: 'stFailed' };

function StatusLine(props: { m: ShownMessage; seen: boolean }): JSX.Element | null {
  const m = props.m;
  if (m.private || m.direction !== 'out' || m.senderType === 'system') return null;
  if (m.status === 'failed' || m.status === 'unknown') return null; // the reason below says it
  const status = props.seen && m.status !== 'pending' ? 'read' : m.status;
  const key = STATUS_KEY[status];
  const icon = status === 'pending' ? 'clock' : status === 'failed' ? 'alert' : status === 'delivered' || status === 'read' ? 'checks' : 'check';
  return h('span', { class: `msg-status st-${status}` }, h(Icon, { name: icon, size: 13 }), key ? t(key) : status);
}

export interface BubbleProps {
  m: ShownMessage;
  /** Show who wrote it (first of a run from the same sender). */
  showSender: boolean;
  meId: number | null;
  agents: Agent[] | null;
  seen: boolean;
}

/** "GW_ERR_X: reason" → the reason to read and the code for support. */
function splitError(error: string): { code: string | null; text: string } {
  const m = /^(GW_ERR_[A-Z_]+):\s*([\s\S]*)$/.exec(error);
  return m ? { code: m[1]!, text: m[2] || m[1]! } : { code: null, text: error };
}

export function senderKey(m: ShownMessage): string {
  return `${m.senderType}:${m.senderId ?? ''}:${m.private ? 'p' : ''}`;
}

export function MessageBubble(p: BubbleProps): JSX.Element {
  const m = p.m;
  const attrs = { 'data-testid': 'msg', 'data-id': String(m.id), 'data-direction': m.direction, 'data-status': m.status, 'data-private': m.private ? 'true' : 'false' };
  if (m.senderType === 'system') {
    return h('div', { class: 'msg msg-system', ...attrs }, h('div', { class: 'msg-system-text' }, h(Content, { c: m.content }), h('span', { class: 'msg-time' }, clockTime(m.createdAt))));
  }
  const side = m.direction === 'in' ? 'in' : 'out';
  const agentName = m.senderType === 'agent' ? (m.senderId === p.meId ? t('you') : (p.agents?.find((a) => a.id === m.senderId)?.name ?? `#${m.senderId ?? '?'}`)) : null;
  let sender: JSX.Element | null = null;
  if (m.private) sender = h('span', { class: 'msg-sender note-label' }, h(Icon, { name: 'lock', size: 12 }), t('privateNote'), agentName ? h('span', { class: 'msg-sender-sub' }, `· ${agentName}`) : null);
  else if (p.showSender && m.senderType === 'bot') sender = h('span', { class: 'msg-sender bot-label' }, h(Icon, { name: 'bot', size: 12 }), t('bot'));
  else if (p.showSender && agentName) sender = h('span', { class: 'msg-sender' }, agentName);
  const failure = (m.status === 'failed' || m.status === 'unknown') && !m.local && m.error ? splitError(m.error) : null;
  const failedReason =
    m.local && m.localError
      ? t('sendFailed', { error: m.localError })
      : m.status === 'failed'
        ? failure
          ? t('failedReason', { error: failure.text })
          : t('failedNoReason')
        : m.status === 'unknown'
          ? t('unknownReason', { error: failure?.text ?? '' })
          : null;
  // A stored message that failed, or whose result is unknown, can be sent again from the server (which holds unknown ones for a while).
  const canResend = !m.local && !m.private && (m.status === 'failed' || m.status === 'unknown');
  return h(
    'div',
    { class: `msg msg-${side} ${m.private ? 'msg-note' : ''} ${m.senderType === 'bot' ? 'msg-bot' : ''} ${m.status === 'failed' ? 'msg-failed' : ''} ${m.status === 'unknown' ? 'msg-unknown' : ''}`, ...attrs },
    sender,
    h('div', { class: 'bubble' }, h(Content, { c: m.content })),
    h('div', { class: 'msg-meta' }, h('span', { class: 'msg-time', title: m.createdAt }, clockTime(m.createdAt)), h(StatusLine, { m, seen: p.seen })),
    failedReason
      ? h(
          'div',
          { class: 'msg-error', role: 'alert', 'data-testid': 'msg-error' },
          h(Icon, { name: 'alert', size: 14 }),
          h('span', { class: 'msg-error-text' }, failedReason, failure?.code ? h('code', { class: 'msg-error-code' }, failure.code) : null),
          m.local ? h(Button, { small: true, variant: 'ghost', onClick: () => retryLocal(m) }, t('retry')) : null,
          canResend ? h(Button, { small: true, variant: 'ghost', onClick: () => void resendMessage(m) }, t('retry')) : null,
        )
      : null,
  );
}
