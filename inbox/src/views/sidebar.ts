import { h, type JSX } from 'preact';
import { openFolder, setSearch } from '../actions';
import { t, type MessageKey } from '../i18n';
import { folderItems, getState, FOLDERS, type FolderId } from '../store';
import { Icon, UnreadBadge, type IconName } from '../ui';

export const FOLDER_META: Record<FolderId, { key: MessageKey; icon: IconName }> = {
  bot: { key: 'folderBot', icon: 'bot' },
  pending: { key: 'folderPending', icon: 'clock' },
  mine: { key: 'folderMine', icon: 'user' },
  team: { key: 'folderTeam', icon: 'users' },
  all: { key: 'folderAll', icon: 'inbox' },
  resolved: { key: 'folderResolved', icon: 'done' },
};

const STATUS_OF: Partial<Record<FolderId, string>> = { bot: 'bot', pending: 'pending', resolved: 'resolved' };

export function Sidebar(_props: object): JSX.Element {
  const s = getState();
  const current = s.route.view === 'inbox' ? s.route.folder : null;
  return h(
    'aside',
    { class: 'sidebar', 'aria-label': t('folders') },
    h(
      'div',
      { class: 'search' },
      h(Icon, { name: 'search' }),
      h('input', {
        type: 'search',
        id: 'conv-search',
        placeholder: t('search'),
        'aria-label': t('searchLabel'),
        value: s.search,
        onInput: (e: Event) => setSearch((e.target as HTMLInputElement).value),
        'data-testid': 'search',
      }),
    ),
    h(
      'nav',
      { class: 'folders' },
      FOLDERS.map((f) => {
        const items = folderItems(s, f);
        const unread = items.filter((c) => c.unread > 0).length;
        const capped = (STATUS_OF[f] && s.capped[STATUS_OF[f]!]) || (f === 'all' && Object.values(s.capped).some(Boolean));
        return h(
          'button',
          {
            type: 'button',
            class: `folder ${current === f ? 'active' : ''}`,
            'aria-current': current === f ? 'page' : undefined,
            onClick: () => openFolder(f),
            'data-testid': `folder-${f}`,
          },
          h(Icon, { name: FOLDER_META[f].icon }),
          h('span', { class: 'folder-name' }, t(FOLDER_META[f].key)),
          h(UnreadBadge, { n: unread, label: t('unreadCount', { n: unread }) }),
          h('span', { class: 'folder-count', 'data-testid': `folder-count-${f}` }, s.convsStatus === 'ready' ? `${items.length}${capped ? '+' : ''}` : ''),
        );
      }),
    ),
  );
}
