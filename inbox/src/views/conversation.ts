import { h, Fragment, type JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { assignConversation, closeConversation, loadConversation, reopenConversation, resolveConversation, snoozeConversation, toggleContactPanel } from '../actions';
import { contactName, dateTime, dayKey, dayLabel, snoozeTargets } from '../format';
import { t } from '../i18n';
import { getState } from '../store';
import type { ConvDetail } from '../types';
import { Avatar, Button, ChannelBadge, Empty, ErrorNote, MenuButton, Spinner, StatusChip } from '../ui';
import { AssignDialog } from './assign';
import { Composer } from './composer';
import { MessageBubble, senderKey } from './message';

const RUN_GAP_MS = 5 * 60_000;

export function ConversationPane(_props: object): JSX.Element {
  const s = getState();
  const route = s.route;
  const convId = route.view === 'inbox' ? route.convId : null;
  if (!convId) return h('section', { class: 'conv-pane conv-empty' }, h(Empty, { icon: 'bubble', title: t('pickConversation'), hint: t('pickConversationHint') }));
  if (s.detailStatus === 'error') {
    return h('section', { class: 'conv-pane' }, h('div', { class: 'pad' }, h(ErrorNote, { text: s.detailError ?? t('genericError'), onRetry: () => void loadConversation(convId) })));
  }
  const detail = s.detail;
  if (!detail || detail.id !== convId) return h('section', { class: 'conv-pane conv-loading' }, h(Spinner, null));
  return h(
    'section',
    { class: 'conv-pane', 'aria-label': contactName(detail.contact) },
    h(ConversationHeader, { d: detail }),
    detail.connectionProblem ? h('div', { class: 'connection-banner', role: 'alert', 'data-testid': 'connection-problem' }, `${t('connectionProblem')}: ${detail.connectionProblem}`) : null,
    h(MessageList, { d: detail }),
    h(Composer, { convId: detail.id, resolved: detail.status === 'resolved', replyWindow: detail.replyWindow ?? null }),
  );
}

function ConversationHeader(props: { d: ConvDetail }): JSX.Element {
  const d = props.d;
  const s = getState();
  const me = s.me!;
  const [assigning, setAssigning] = useState(false);
  const name = contactName(d.contact);
  const assignee = d.assigneeId === null ? null : d.assigneeId === me.id ? t('you') : (s.agents?.find((a) => a.id === d.assigneeId)?.name ?? `#${d.assigneeId}`);
  const team = d.teamId === null ? null : (s.teams?.find((tm) => tm.id === d.teamId)?.name ?? `#${d.teamId}`);
  const resolved = d.status === 'resolved';
  const canSnooze = d.status === 'open' || d.status === 'pending';
  const canTake = !resolved && d.assigneeId !== me.id && (d.status === 'pending' || d.status === 'bot');
  return h(
    'div',
    { class: 'conv-head' },
    h(Button, { variant: 'ghost', icon: 'arrowLeft', title: t('back'), class: 'back-btn', onClick: closeConversation }),
    h(Avatar, { name, seed: d.contact.id, url: d.contact.avatarUrl, size: 'md', anonymous: !d.contact.name?.trim() }),
    h(
      'div',
      { class: 'conv-head-main' },
      h('h2', { class: 'conv-title', 'data-testid': 'conv-title' }, name),
      h(
        'div',
        { class: 'conv-head-sub' },
        h(ChannelBadge, { channel: d.channel }),
        h('span', { class: 'muted inbox-name' }, d.inboxName),
        h('span', { 'data-testid': 'conv-status', 'data-status': d.status }, h(StatusChip, { status: d.status })),
        d.status === 'snoozed' && d.snoozedUntil ? h('span', { class: 'muted' }, t('snoozedUntil', { time: dateTime(d.snoozedUntil) })) : null,
        h('span', { class: 'muted assignee', 'data-testid': 'conv-assignee' }, `${t('assignee')}: `, h('strong', null, assignee ?? t('unassigned')), team ? ` · ${t('team')}: ${team}` : ''),
      ),
    ),
    h(
      'div',
      { class: 'conv-actions' },
      canTake ? h(Button, { variant: 'primary', icon: 'user', small: true, onClick: () => void assignConversation(d.id, { agentId: me.id }), testid: 'action-take', title: t('assignToMe') }, t('assignToMe')) : null,
      h(Button, { variant: 'secondary', icon: 'userPlus', small: true, class: 'collapsible', onClick: () => setAssigning(true), disabled: resolved, testid: 'action-assign', title: t('assign') }, t('assign')),
      canSnooze
        ? h(MenuButton, {
            button: { variant: 'secondary', icon: 'moon', small: true, class: 'collapsible', testid: 'action-snooze', title: t('snooze'), children: t('snooze') },
            items: snoozeTargets().map((x) => ({ label: t(x.key), hint: dateTime(x.until.toISOString()), onSelect: () => void snoozeConversation(d.id, x.until), testid: `snooze-${x.id}` })),
          })
        : null,
      resolved
        ? h(Button, { variant: 'secondary', icon: 'reopen', small: true, onClick: () => void reopenConversation(d.id), testid: 'action-reopen', title: t('reopen') }, t('reopen'))
        : h(Button, { variant: canTake ? 'secondary' : 'primary', icon: 'check', small: true, onClick: () => void resolveConversation(d.id), testid: 'action-resolve', title: t('resolve') }, t('resolve')),
      h(Button, { variant: 'ghost', icon: 'panel', title: t('toggleContact'), pressed: s.showContact, onClick: toggleContactPanel, class: 'contact-toggle', testid: 'toggle-contact' }),
    ),
    assigning ? h(AssignDialog, { conv: d, onClose: () => setAssigning(false) }) : null,
  );
}

function MessageList(props: { d: ConvDetail }): JSX.Element {
  const s = getState();
  const d = props.d;
  const scroller = useRef<HTMLDivElement>(null);
  const nearBottom = useRef(true);
  const lastCount = useRef({ conv: 0, n: 0 });
  const me = s.me!;
  const typingUntil = s.contactTyping[d.id] ?? 0;
  const colleague = s.agentTyping[d.id];
  const [, setNow] = useState(0);

  // Typing indicators expire by themselves (the contact may just leave).
  useEffect(() => {
    const next = Math.max(typingUntil, colleague?.until ?? 0) - Date.now();
    if (next <= 0) return;
    const timer = window.setTimeout(() => setNow(Date.now()), next + 50);
    return () => window.clearTimeout(timer);
  }, [typingUntil, colleague?.until]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const changedConv = lastCount.current.conv !== d.id;
    const grew = s.messages.length > lastCount.current.n;
    const lastIsMine = s.messages[s.messages.length - 1]?.senderId === me.id;
    if (changedConv || (grew && lastIsMine) || nearBottom.current) el.scrollTop = el.scrollHeight;
    lastCount.current = { conv: d.id, n: s.messages.length };
  });

  const readUpTo = s.contactRead[d.id] ?? 0;
  const nodes: JSX.Element[] = [];
  let prevDay = '';
  let prev: (typeof s.messages)[number] | null = null;
  for (const m of s.messages) {
    const day = dayKey(m.createdAt);
    if (day !== prevDay) {
      nodes.push(h('div', { key: `d-${day}`, class: 'day-sep' }, h('span', null, dayLabel(m.createdAt))));
      prevDay = day;
      prev = null;
    }
    const showSender = !prev || senderKey(prev) !== senderKey(m) || Date.parse(m.createdAt) - Date.parse(prev.createdAt) > RUN_GAP_MS;
    nodes.push(h(MessageBubble, { key: m.id, m, showSender, meId: me.id, agents: s.agents, seen: m.id > 0 && m.id <= readUpTo }));
    prev = m;
  }

  const contactTyping = typingUntil > Date.now();
  const colleagueTyping = colleague && colleague.until > Date.now() ? colleague : null;

  return h(
    'div',
    {
      class: 'messages',
      ref: scroller,
      onScroll: () => {
        const el = scroller.current;
        if (el) nearBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 120;
      },
      // Images load after layout: stay pinned to the newest message if we were there.
      onLoadCapture: () => {
        const el = scroller.current;
        if (el && nearBottom.current) el.scrollTop = el.scrollHeight;
      },
      'aria-live': 'polite',
      'data-testid': 'messages',
    },
    s.messagesStatus === 'loading' && s.messages.length === 0 ? h('div', { class: 'list-loading' }, h(Spinner, null)) : null,
    s.messagesStatus === 'error' ? h(ErrorNote, { text: t('messagesLoadFailed'), onRetry: () => void loadConversation(d.id) }) : null,
    s.messagesStatus === 'ready' && s.messages.length === 0 ? h('div', { class: 'muted center pad' }, t('noMessages')) : null,
    h(Fragment, null, nodes),
    contactTyping || colleagueTyping
      ? h(
          'div',
          { class: 'typing-row' },
          contactTyping ? h('span', { class: 'typing', 'data-testid': 'contact-typing' }, h('span', { class: 'typing-dots', 'aria-hidden': 'true' }, h('i', null), h('i', null), h('i', null)), t('contactTyping')) : null,
          colleagueTyping ? h('span', { class: 'typing typing-agent' }, t('agentTyping', { name: colleagueTyping.name })) : null,
        )
      : null,
  );
}
