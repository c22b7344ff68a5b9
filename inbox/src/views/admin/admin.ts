import { h, type JSX } from 'preact';
import { openAdmin } from '../../actions';
import { t, type MessageKey } from '../../i18n';
import type { AdminSection } from '../../store';
import { Icon, type IconName } from '../../ui';
import { AgentsAdmin } from './agents';
import { CannedAdmin } from './canned';
import { FaqAdmin, UnansweredAdmin } from './faq';
import { InboxesAdmin } from './inboxes';
import { TeamsAdmin } from './teams';

const NAV: { id: AdminSection; key: MessageKey; icon: IconName }[] = [
  { id: 'faq', key: 'navFaq', icon: 'book' },
  { id: 'unanswered', key: 'navUnanswered', icon: 'question' },
  { id: 'canned', key: 'navCanned', icon: 'zap' },
  { id: 'inboxes', key: 'navInboxes', icon: 'inbox' },
  { id: 'teams', key: 'navTeams', icon: 'users' },
  { id: 'agents', key: 'navAgents', icon: 'user' },
];

const SCREENS: Record<AdminSection, () => JSX.Element> = {
  agents: AgentsAdmin,
  teams: TeamsAdmin,
  inboxes: InboxesAdmin,
  canned: CannedAdmin,
  faq: FaqAdmin,
  unanswered: UnansweredAdmin,
};

export function AdminScreen(props: { section: AdminSection }): JSX.Element {
  return h(
    'div',
    { class: 'admin-layout' },
    h(
      'nav',
      { class: 'admin-nav', 'aria-label': t('adminTitle') },
      h('div', { class: 'admin-nav-title' }, t('adminTitle')),
      NAV.map((n) =>
        h(
          'button',
          { key: n.id, type: 'button', class: `folder ${props.section === n.id ? 'active' : ''}`, 'aria-current': props.section === n.id ? 'page' : undefined, onClick: () => openAdmin(n.id), 'data-testid': `nav-admin-${n.id}` },
          h(Icon, { name: n.icon }),
          h('span', { class: 'folder-name' }, t(n.key)),
        ),
      ),
    ),
    h('div', { class: 'admin-content' }, h(SCREENS[props.section], { key: props.section })),
  );
}
