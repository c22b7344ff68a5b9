import { h, type JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { markRead, onHashChange, openConversation, resolveConversation } from './actions';
import { t } from './i18n';
import { dismissToast } from './notify';
import { getState, setState, useAppState } from './store';
import { Button, Icon, Modal, Spinner } from './ui';
import { AdminScreen } from './views/admin/admin';
import { ContactPanel } from './views/contact-panel';
import { focusComposer } from './views/composer';
import { ConversationList, visibleConversations } from './views/conv-list';
import { ConversationPane } from './views/conversation';
import { Header } from './views/header';
import { LoginScreen } from './views/login';
import { ReportsScreen } from './views/reports/reports';
import { Sidebar } from './views/sidebar';
import { CampaignsScreen } from './views/campaigns/campaigns';
import { ContactsScreen } from './views/contacts/contacts';
import type { Route } from './store';

function InboxScreen(_props: object): JSX.Element {
  const s = getState();
  const route = s.route.view === 'inbox' ? s.route : null;
  const folder = route?.folder ?? 'pending';
  const detail = s.detail && route?.convId === s.detail.id ? s.detail : null;
  const withContact = s.showContact && detail !== null;
  return h(
    'div',
    { class: `inbox-layout ${route?.convId ? 'has-conv' : ''} ${withContact ? 'with-contact' : ''}` },
    h(Sidebar, null),
    h(ConversationList, { folder }),
    h(ConversationPane, null),
    withContact ? h(ContactPanel, { d: detail }) : null,
  );
}

function Toasts(_props: object): JSX.Element {
  const s = getState();
  return h(
    'div',
    { class: 'toasts', 'aria-live': 'polite' },
    s.toasts.map((toast) =>
      h(
        'div',
        { key: toast.id, class: `toast toast-${toast.kind}`, role: toast.kind === 'error' ? 'alert' : 'status', 'data-testid': 'toast' },
        h(Icon, { name: toast.kind === 'error' ? 'alert' : 'bell' }),
        h('span', { class: 'toast-text' }, toast.text),
        toast.convId
          ? h(
              Button,
              {
                small: true,
                variant: 'ghost',
                onClick: () => {
                  dismissToast(toast.id);
                  openConversation(toast.convId!);
                },
              },
              t('open'),
            )
          : null,
        h(Button, { small: true, variant: 'ghost', icon: 'x', title: t('close'), onClick: () => dismissToast(toast.id) }),
      ),
    ),
  );
}

const SHORTCUTS: [string[], Parameters<typeof t>[0]][] = [
  [['J', 'K'], 'kbNextPrev'],
  [['R'], 'kbReply'],
  [['N'], 'kbNote'],
  [['Ctrl', 'K'], 'kbSearch'],
  [['E'], 'kbResolve'],
  [['Enter'], 'kbSend'],
  [['Shift', 'Enter'], 'kbNewline'],
  [['/'], 'kbCanned'],
  [['Esc'], 'kbEscape'],
  [['?'], 'kbHelp'],
];

function ShortcutsDialog(_props: object): JSX.Element {
  return h(
    Modal,
    { title: t('shortcuts'), onClose: () => setState({ showShortcuts: false }) },
    h(
      'table',
      { class: 'shortcuts' },
      h(
        'tbody',
        null,
        SHORTCUTS.map(([keys, label]) => h('tr', { key: label }, h('td', null, keys.map((k, i) => [i > 0 ? ' + ' : '', h('kbd', { key: k }, k)])), h('td', null, t(label)))),
      ),
    ),
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

function onGlobalKey(e: KeyboardEvent): void {
  const s = getState();
  if (!s.me || document.querySelector('.modal')) return;
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
    e.preventDefault();
    document.getElementById('conv-search')?.focus();
    return;
  }
  if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
  const route = s.route;
  if (e.key === '?') {
    setState({ showShortcuts: true });
    return;
  }
  if (route.view !== 'inbox') return;
  if (e.key === 'j' || e.key === 'k') {
    const list = visibleConversations(route.folder);
    if (list.length === 0) return;
    const at = list.findIndex((c) => c.id === route.convId);
    const next = at === -1 ? 0 : Math.max(0, Math.min(list.length - 1, at + (e.key === 'j' ? 1 : -1)));
    openConversation(list[next]!.id);
    e.preventDefault();
  } else if ((e.key === 'r' || e.key === 'n') && route.convId) {
    e.preventDefault();
    focusComposer(e.key === 'n');
  } else if (e.key === 'e' && route.convId && s.detail && s.detail.status !== 'resolved') {
    e.preventDefault();
    void resolveConversation(route.convId);
  } else if (e.key === 'Escape' && route.convId && window.innerWidth < 900) {
    history.back();
  }
}

function mainView(route: Route): JSX.Element {
  if (route.view === 'admin') return h(AdminScreen, { section: route.section });
  if (route.view === 'reports') return h(ReportsScreen, null);
  if (route.view === 'contacts') return h(ContactsScreen, { contactId: route.contactId });
  if (route.view === 'campaigns') return h(CampaignsScreen, { tab: route.tab, campaignId: route.campaignId });
  return h(InboxScreen, null);
}

export function App(_props: object): JSX.Element {
  const s = useAppState();
  useEffect(() => {
    window.addEventListener('hashchange', onHashChange);
    window.addEventListener('keydown', onGlobalKey);
    const onVisible = () => document.visibilityState === 'visible' && markRead();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    const tick = window.setInterval(() => setState((st) => ({ tick: st.tick + 1 })), 30_000);
    return () => {
      window.removeEventListener('hashchange', onHashChange);
      window.removeEventListener('keydown', onGlobalKey);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
      window.clearInterval(tick);
    };
  }, []);

  // The tab title shows how many conversations have unread messages.
  const unread = Object.values(s.convs).filter((c) => c.unread > 0 && c.status !== 'resolved').length;
  useEffect(() => {
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${t('inbox')} · ${t('appName')}`;
  }, [unread, s.tick]);

  if (!s.booted) return h('div', { class: 'splash' }, h(Spinner, null));
  if (!s.me) return h(LoginScreen, null);
  return h(
    'div',
    { class: 'app', 'data-connected': String(s.connected) },
    h(Header, null),
    h('main', { class: 'app-main' }, mainView(s.route)),
    h(Toasts, null),
    s.showShortcuts ? h(ShortcutsDialog, null) : null,
  );
}
