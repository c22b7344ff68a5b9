import { h, type JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { loadConversations, openConversation } from '../actions';
import { contactName, relativeTime } from '../format';
import { t } from '../i18n';
import { folderItems, getState, type FolderId } from '../store';
import type { ConvItem } from '../types';
import { Avatar, ChannelBadge, Empty, ErrorNote, Spinner, StatusChip, UnreadBadge } from '../ui';
import { FOLDER_META } from './sidebar';

/** Lower-case without Vietnamese diacritics, so "nguyen" finds "Nguyễn". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

export function matchesSearch(c: ConvItem, query: string): boolean {
  const q = fold(query.trim());
  if (!q) return true;
  if (/^#?\d+$/.test(q)) return String(c.id) === q.replace('#', '') || String(c.contact.id) === q.replace('#', '');
  return fold(contactName(c.contact)).includes(q);
}

/** The conversations shown in the middle column (folder + search). */
export function visibleConversations(folder: FolderId): ConvItem[] {
  const s = getState();
  return folderItems(s, folder).filter((c) => matchesSearch(c, s.search));
}

export function ConversationList(props: { folder: FolderId }): JSX.Element {
  const s = getState();
  const items = visibleConversations(props.folder);
  const openId = s.route.view === 'inbox' ? s.route.convId : null;
  const listRef = useRef<HTMLDivElement>(null);

  // Keep the open conversation in view when moving with the keyboard.
  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>('.conv-item.active')?.scrollIntoView({ block: 'nearest' });
  }, [openId]);

  let body: JSX.Element | JSX.Element[];
  if (s.convsStatus === 'loading') body = h('div', { class: 'list-loading' }, h(Spinner, null));
  else if (s.convsStatus === 'error') body = h('div', { class: 'pad' }, h(ErrorNote, { text: t('listLoadFailed'), onRetry: () => void loadConversations() }));
  else if (items.length === 0)
    body = h(Empty, {
      icon: s.search ? 'search' : FOLDER_META[props.folder].icon,
      title: s.search ? t('emptySearch', { q: s.search }) : props.folder === 'team' && s.teams && !s.teams.some((tm) => tm.memberIds.includes(s.me!.id)) ? t('noTeam') : t('emptyFolder'),
    });
  else body = items.map((c) => h(ConversationItem, { key: c.id, conv: c, active: c.id === openId, folder: props.folder }));

  return h(
    'section',
    { class: 'conv-list', 'aria-label': t('conversations') },
    h('div', { class: 'pane-head' }, h('h2', null, t(FOLDER_META[props.folder].key)), s.convsStatus === 'ready' ? h('span', { class: 'pane-count' }, String(items.length)) : null),
    h('div', { class: 'conv-scroll', ref: listRef, role: 'list' }, body),
  );
}

function ConversationItem(props: { conv: ConvItem; active: boolean; folder: FolderId }): JSX.Element {
  const c = props.conv;
  const s = getState();
  const name = contactName(c.contact);
  const typing = (s.contactTyping[c.id] ?? 0) > Date.now();
  const assignee = c.assigneeId && c.assigneeId !== s.me?.id ? s.agents?.find((a) => a.id === c.assigneeId)?.name : null;
  return h(
    'button',
    {
      type: 'button',
      role: 'listitem',
      class: `conv-item ${props.active ? 'active' : ''} ${c.unread > 0 ? 'unread' : ''}`,
      onClick: () => openConversation(c.id, props.folder),
      'data-testid': 'conv-item',
      'data-id': String(c.id),
      'data-status': c.status,
      'aria-current': props.active ? 'true' : undefined,
    },
    h(Avatar, { name, seed: c.contact.id, anonymous: !c.contact.name?.trim() }),
    h(
      'span',
      { class: 'conv-main' },
      h('span', { class: 'conv-row' }, h('span', { class: 'conv-name' }, name), h('span', { class: 'conv-time', title: c.lastMessageAt ?? '' }, relativeTime(c.lastMessageAt, Date.now()))),
      h(
        'span',
        { class: 'conv-row conv-row-sub' },
        h(
          'span',
          { class: 'conv-sub' },
          h(ChannelBadge, { channel: c.channel, withLabel: !c.preview && !typing }),
          typing ? h('span', { class: 'conv-typing' }, t('contactTyping')) : c.preview ? h('span', { class: 'conv-preview' }, c.preview) : assignee ? h('span', { class: 'conv-preview' }, `→ ${assignee}`) : null,
        ),
        h('span', { class: 'conv-flags' }, h(StatusChip, { status: c.status }), h(UnreadBadge, { n: c.unread, label: t('unreadCount', { n: c.unread }) })),
      ),
    ),
  );
}
