import { h, type JSX } from 'preact';
import { logout, navigate, openAdmin, setPresence } from '../actions';
import { roleLabel } from '../format';
import { lang, setLang, t, type Lang } from '../i18n';
import { askNotificationPermission, toggleMute } from '../notify';
import { getState, setState } from '../store';
import { Avatar, Button, Icon, MenuButton } from '../ui';
import { tc } from './contacts/strings';

export function LangSwitch(_props: object): JSX.Element {
  const current = lang();
  const choose = (l: Lang) => {
    setLang(l);
    setState({});
  };
  return h(
    'div',
    { class: 'segmented segmented-sm', role: 'group', 'aria-label': t('language') },
    (['vi', 'en'] as const).map((l) =>
      h('button', { type: 'button', class: current === l ? 'active' : '', 'aria-pressed': String(current === l), onClick: () => choose(l), 'data-testid': `lang-${l}` }, l.toUpperCase()),
    ),
  );
}

export function Header(_props: object): JSX.Element {
  const s = getState();
  const me = s.me!;
  const route = s.route;
  const canAdmin = me.role === 'admin' || me.role === 'supervisor';
  return h(
    'header',
    { class: 'topbar' },
    h(
      'div',
      { class: 'topbar-left' },
      h('a', { class: 'brand', href: '#/inbox/pending', 'aria-label': t('appName') }, h('span', { class: 'logo-mark', 'aria-hidden': 'true' }, 'O'), h('span', { class: 'logo-text' }, t('appName'))),
      h(
        'nav',
        { class: 'topnav' },
        h(
          'button',
          { type: 'button', class: route.view === 'inbox' ? 'active' : '', onClick: () => navigate({ view: 'inbox', folder: route.view === 'inbox' ? route.folder : 'pending', convId: null }), 'data-testid': 'nav-inbox' },
          h(Icon, { name: 'inbox' }),
          h('span', null, t('inbox')),
        ),
        h('button', { type: 'button', class: route.view === 'contacts' ? 'active' : '', onClick: () => navigate({ view: 'contacts', contactId: null }), 'data-testid': 'nav-contacts' }, h(Icon, { name: 'users' }), h('span', null, tc('navContacts'))),
        canAdmin
          ? h('button', { type: 'button', class: route.view === 'campaigns' ? 'active' : '', onClick: () => navigate({ view: 'campaigns', tab: 'campaigns', campaignId: null }), 'data-testid': 'nav-campaigns' }, h(Icon, { name: 'send' }), h('span', null, tc('navCampaigns')))
          : null,
        canAdmin
          ? h('button', { type: 'button', class: route.view === 'reports' ? 'active' : '', onClick: () => navigate({ view: 'reports' }), 'data-testid': 'nav-reports' }, h(Icon, { name: 'chart' }), h('span', null, t('reports')))
          : null,
        canAdmin
          ? h('button', { type: 'button', class: route.view === 'admin' ? 'active' : '', onClick: () => openAdmin(route.view === 'admin' ? route.section : 'faq'), 'data-testid': 'nav-admin' }, h(Icon, { name: 'sliders' }), h('span', null, t('admin')))
          : null,
      ),
    ),
    h(
      'div',
      { class: 'topbar-right' },
      s.connectionProblem ? h('span', { class: 'conn-warning', role: 'status' }, h(Icon, { name: 'alert' }), t('connLost')) : null,
      h(
        'div',
        { class: 'segmented presence-toggle', role: 'group', 'aria-label': t('presenceLabel') },
        (['online', 'away'] as const).map((p) =>
          h(
            'button',
            { type: 'button', class: s.presence === p ? `active presence-${p}` : '', 'aria-pressed': String(s.presence === p), onClick: () => setPresence(p), 'data-testid': `presence-${p}` },
            h('span', { class: `dot dot-${p}`, 'aria-hidden': 'true' }),
            t(p),
          ),
        ),
      ),
      s.notifyPermission === 'default'
        ? h(Button, { variant: 'ghost', icon: 'bell', small: true, onClick: askNotificationPermission, testid: 'enable-notifications' }, t('enableNotifications'))
        : null,
      h(Button, {
        variant: 'ghost',
        icon: s.muted ? 'bellOff' : 'bell',
        title: s.muted ? t('unmute') : t('mute'),
        pressed: s.muted,
        onClick: () => {
          askNotificationPermission();
          toggleMute();
        },
        testid: 'mute-toggle',
      }),
      h(Button, { variant: 'ghost', icon: 'help', title: `${t('shortcuts')} (?)`, onClick: () => setState({ showShortcuts: true }) }),
      h(LangSwitch, null),
      h(MenuButton, {
        button: {
          variant: 'ghost',
          class: 'user-button',
          label: me.name,
          children: h('span', { class: 'user-chip' }, h(Avatar, { name: me.name, seed: `agent-${me.id}`, size: 'sm' }), h('span', { class: 'user-name' }, me.name), h(Icon, { name: 'chevronDown', size: 14 })),
        },
        items: [
          { label: `${me.email} · ${roleLabel(me.role)}`, onSelect: () => undefined },
          { label: t('signOut'), onSelect: () => void logout(), testid: 'sign-out' },
        ],
      }),
    ),
  );
}
