import type { ConvDetail } from '../types';
/**
 * The reply box: Reply / Private note toggle, Enter to send (Shift+Enter for a new
 * line; never while an IME is composing — Vietnamese input methods compose), `/` for
 * canned responses, a typing indicator to the contact (replies only), drafts kept per
 * conversation while switching.
 */
import { h, type JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { reopenConversation, sendAttachment, sendMessage, sendTyping } from '../actions';
import { t } from '../i18n';
import { getState } from '../store';
import type { Canned } from '../types';
import { Button, Icon } from '../ui';
import { fold } from './conv-list';

const drafts = new Map<string, string>();
const modes = new Map<number, boolean>();
const TYPING_IDLE_MS = 3000;

/** The `/word` being typed at the caret, if any. */
function slashQuery(value: string, caret: number): { start: number; query: string } | null {
  const before = value.slice(0, caret);
  const m = /(^|\s)\/([\p{L}\p{N}_-]*)$/u.exec(before);
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]! };
}

export function filterCanned(list: Canned[], query: string): Canned[] {
  const q = fold(query);
  const starts = list.filter((c) => fold(c.shortCode).startsWith(q));
  const contains = list.filter((c) => !starts.includes(c) && (fold(c.shortCode).includes(q) || (q.length >= 2 && fold(c.content).includes(q))));
  return [...starts, ...contains].slice(0, 8);
}

let focusRequest: { private: boolean } | null = null;
let focusListener: (() => void) | null = null;

/** Focus the composer (keyboard shortcuts r / n). */
export function focusComposer(asPrivate: boolean): void {
  focusRequest = { private: asPrivate };
  focusListener?.();
}

export function Composer(props: { convId: number; resolved: boolean; replyWindow: ConvDetail['replyWindow'] }): JSX.Element {
  const convId = props.convId;
  const [isPrivate, setPrivate] = useState<boolean>(modes.get(convId) ?? false);
  const [text, setText] = useState<string>(drafts.get(`${convId}:${modes.get(convId) ? 'p' : 'r'}`) ?? '');
  const [slash, setSlash] = useState<{ start: number; query: string } | null>(null);
  const [pick, setPick] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const typing = useRef<{ on: boolean; lastSent: number; timer: number }>({ on: false, lastSent: 0, timer: 0 });

  const stopTyping = () => {
    window.clearTimeout(typing.current.timer);
    if (typing.current.on) sendTyping(convId, false);
    typing.current.on = false;
  };

  // Switching conversation: load its draft and mode; stop typing in the old one.
  useEffect(() => {
    const p = modes.get(convId) ?? false;
    setPrivate(p);
    setText(drafts.get(`${convId}:${p ? 'p' : 'r'}`) ?? '');
    setSlash(null);
    return () => stopTyping();
  }, [convId]);

  useEffect(() => {
    focusListener = () => {
      if (!focusRequest) return;
      switchMode(focusRequest.private);
      focusRequest = null;
      window.setTimeout(() => area.current?.focus(), 0);
    };
    return () => void (focusListener = null);
  });

  // Grow with the text, up to a limit (then scroll).
  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [text, isPrivate]);

  const switchMode = (p: boolean) => {
    if (p === isPrivate) return;
    drafts.set(`${convId}:${isPrivate ? 'p' : 'r'}`, text);
    if (p) stopTyping();
    modes.set(convId, p);
    setPrivate(p);
    setText(drafts.get(`${convId}:${p ? 'p' : 'r'}`) ?? '');
    setSlash(null);
    area.current?.focus();
  };

  const canned = getState().canned ?? [];
  // A resolved conversation takes private notes, not replies (the server refuses them).
  const windowClosed = !isPrivate && props.replyWindow?.canReply === false;
  const blocked = (props.resolved && !isPrivate) || windowClosed;
  const matches = slash ? filterCanned(canned, slash.query) : [];

  const update = (value: string, caret: number) => {
    setText(value);
    drafts.set(`${convId}:${isPrivate ? 'p' : 'r'}`, value);
    const q = slashQuery(value, caret);
    setSlash(q);
    if (q && (!slash || q.query !== slash.query)) setPick(0);
    if (!isPrivate && value.trim()) {
      const now = Date.now();
      if (!typing.current.on || now - typing.current.lastSent > 2500) {
        sendTyping(convId, true);
        typing.current.on = true;
        typing.current.lastSent = now;
      }
      window.clearTimeout(typing.current.timer);
      typing.current.timer = window.setTimeout(stopTyping, TYPING_IDLE_MS);
    } else if (!value.trim()) stopTyping();
  };

  const insert = (c: Canned) => {
    if (!slash) return;
    const el = area.current;
    const caret = el?.selectionStart ?? text.length;
    const value = text.slice(0, slash.start) + c.content + text.slice(caret);
    const pos = slash.start + c.content.length;
    setText(value);
    drafts.set(`${convId}:${isPrivate ? 'p' : 'r'}`, value);
    setSlash(null);
    window.setTimeout(() => {
      el?.focus();
      el?.setSelectionRange(pos, pos);
    }, 0);
  };

  const send = () => {
    const body = text.trim();
    if (!body || blocked) return;
    stopTyping();
    void sendMessage(convId, body, isPrivate);
    setText('');
    drafts.delete(`${convId}:${isPrivate ? 'p' : 'r'}`);
    setSlash(null);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing || e.keyCode === 229) return;
    if (slash && matches.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setPick((pick + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        insert(matches[Math.min(pick, matches.length - 1)]!);
        return;
      }
    }
    if (slash && e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setSlash(null);
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      send();
    }
  };

  return h(
    'div',
    { class: `composer ${isPrivate ? 'composer-note' : ''}` },
    slash
      ? h(
          'div',
          { class: 'canned-pop', role: 'listbox', 'data-testid': 'canned-list' },
          matches.length === 0
            ? h('div', { class: 'canned-empty' }, t('cannedEmpty', { q: slash.query }))
            : matches.map((c, i) =>
                h(
                  'button',
                  {
                    key: c.id,
                    type: 'button',
                    role: 'option',
                    'aria-selected': String(i === pick),
                    class: `canned-item ${i === pick ? 'active' : ''}`,
                    onMouseDown: (e: MouseEvent) => {
                      e.preventDefault();
                      insert(c);
                    },
                    onMouseEnter: () => setPick(i),
                    'data-testid': 'canned-item',
                  },
                  h('span', { class: 'canned-code' }, `/${c.shortCode}`),
                  h('span', { class: 'canned-content' }, c.content),
                ),
              ),
          h('div', { class: 'canned-hint' }, t('cannedHint')),
        )
      : null,
    h(
      'div',
      { class: 'composer-tabs', role: 'tablist' },
      h(
        'button',
        { type: 'button', role: 'tab', class: !isPrivate ? 'active' : '', 'aria-selected': String(!isPrivate), onClick: () => switchMode(false), 'data-testid': 'composer-reply-toggle' },
        h(Icon, { name: 'send', size: 14 }),
        t('reply'),
      ),
      h(
        'button',
        { type: 'button', role: 'tab', class: isPrivate ? 'active note' : '', 'aria-selected': String(isPrivate), 'aria-pressed': String(isPrivate), onClick: () => switchMode(!isPrivate), 'data-testid': 'composer-private-toggle' },
        h(Icon, { name: 'lock', size: 14 }),
        t('note'),
      ),
      props.resolved && !isPrivate
        ? h('span', { class: 'composer-warn' }, t('resolvedComposer'), h(Button, { small: true, variant: 'ghost', icon: 'reopen', onClick: () => void reopenConversation(convId) }, t('reopen')))
        : windowClosed
          ? h('span', { class: 'composer-warn', 'data-testid': 'reply-window' }, `${t('windowClosed')}: ${props.replyWindow!.note}`)
          : props.replyWindow && !isPrivate
            ? h('span', { class: 'composer-hint', 'data-testid': 'reply-window' }, windowText(props.replyWindow))
            : h('span', { class: 'composer-hint' }, t('composerHint')),
    ),
    h(
      'div',
      { class: 'composer-box' },
      isPrivate
        ? null
        : h(
            'label',
            { class: 'btn btn-ghost composer-attach', title: t('attach'), 'aria-label': t('attach'), 'data-testid': 'composer-attach' },
            h(Icon, { name: 'file', size: 16 }),
            h('input', {
              type: 'file',
              accept: 'image/*,application/pdf,.doc,.docx,.xls,.xlsx',
              style: 'display:none',
              disabled: blocked,
              onChange: (e: Event) => {
                const input = e.target as HTMLInputElement;
                const file = input.files?.[0];
                input.value = '';
                if (file) void sendAttachment(convId, file);
              },
            }),
          ),
      h('textarea', {
        ref: area,
        rows: 1,
        value: text,
        placeholder: isPrivate ? t('notePlaceholder') : t('replyPlaceholder'),
        'aria-label': isPrivate ? t('note') : t('reply'),
        onInput: (e: Event) => {
          const el = e.target as HTMLTextAreaElement;
          update(el.value, el.selectionStart ?? el.value.length);
        },
        onKeyDown,
        // Clicking elsewhere in the inbox closes the list (after a click on an item lands);
        // the window losing focus (another tab or app, a widget focusing its own input in a
        // test's second page) does not: back in the inbox, Enter still picks the response.
        onBlur: () =>
          window.setTimeout(() => {
            if (document.hasFocus() && document.activeElement !== area.current) setSlash(null);
          }, 150),
        'data-testid': 'composer-input',
      }),
      h(
        'button',
        { type: 'button', class: `btn ${isPrivate ? 'btn-note' : 'btn-primary'} composer-send`, disabled: !text.trim() || blocked, onClick: send, 'data-testid': 'composer-send' },
        h(Icon, { name: isPrivate ? 'lock' : 'send' }),
        h('span', null, isPrivate ? t('addNote') : t('send')),
      ),
    ),
  );
}

/** "Trả lời được đến 14:05 23/11 · còn 6 tin miễn phí" — the channel's window in one line. */
function windowText(w: NonNullable<ConvDetail['replyWindow']>): string {
  const parts: string[] = [];
  if (w.closesAt) {
    const d = new Date(w.closesAt);
    const pad = (n: number) => String(n).padStart(2, '0');
    parts.push(`${t('windowOpenUntil')} ${pad(d.getHours())}:${pad(d.getMinutes())} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}`);
  }
  if (w.freeRepliesLeft !== null) parts.push(`${t('freeRepliesLeft')}: ${w.freeRepliesLeft}`);
  if (parts.length === 0) parts.push(w.note);
  return parts.join(' · ');
}
