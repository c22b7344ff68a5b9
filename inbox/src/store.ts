/**
 * The inbox's state: one immutable object replaced on every change, and a listener set.
 * The root component subscribes and re-renders; components read `getState()` and call
 * the actions in actions.ts.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Agent, AgentView, Canned, ContactDetail, ConvDetail, ConvItem, Inbox, Message, Team } from './types';

export type FolderId = 'bot' | 'pending' | 'mine' | 'team' | 'all' | 'resolved';
export const FOLDERS: readonly FolderId[] = ['bot', 'pending', 'mine', 'team', 'all', 'resolved'];
export type AdminSection = 'agents' | 'teams' | 'inboxes' | 'canned' | 'faq' | 'unanswered';
export const ADMIN_SECTIONS: readonly AdminSection[] = ['agents', 'teams', 'inboxes', 'canned', 'faq', 'unanswered'];

export type CampaignsTab = 'campaigns' | 'segments';
export type Route =
  | { view: 'inbox'; folder: FolderId; convId: number | null }
  | { view: 'admin'; section: AdminSection }
  | { view: 'reports' }
  | { view: 'contacts'; contactId: number | null }
  | { view: 'campaigns'; tab: CampaignsTab; campaignId: number | 'new' | null };

export type LoadStatus = 'loading' | 'ready' | 'error' | 'missing';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'notify';
  text: string;
  convId?: number;
}

/** A message as shown: the server's, or a local one still being posted (negative id). */
export interface ShownMessage extends Message {
  local?: boolean;
  localError?: string | null;
}

export interface State {
  /** Whether `GET /auth/me` has answered on load. */
  booted: boolean;
  me: AgentView | null;
  loginNotice: string | null;
  route: Route;
  convs: Record<number, ConvItem>;
  convsStatus: LoadStatus;
  /** Statuses whose list hit the page limit (counts shown as "N+"). */
  capped: Partial<Record<string, boolean>>;
  search: string;
  detail: ConvDetail | null;
  detailStatus: LoadStatus;
  detailError: string | null;
  messages: ShownMessage[];
  messagesStatus: LoadStatus;
  /** conversationId → until (ms) the contact's typing indicator shows. */
  contactTyping: Record<number, number>;
  /** conversationId → colleagues typing there. */
  agentTyping: Record<number, { agentId: number; name: string; until: number }>;
  /** conversationId → the contact's last read message id. */
  contactRead: Record<number, number>;
  contacts: Record<number, { status: LoadStatus; data: ContactDetail | null }>;
  agents: Agent[] | null;
  agentsStatus: LoadStatus;
  teams: Team[] | null;
  teamsStatus: LoadStatus;
  inboxes: Inbox[] | null;
  canned: Canned[] | null;
  cannedStatus: LoadStatus;
  presence: 'online' | 'away';
  muted: boolean;
  notifyPermission: NotificationPermission | 'unsupported';
  connected: boolean;
  connectionProblem: boolean;
  toasts: Toast[];
  showContact: boolean;
  showShortcuts: boolean;
  /** Bumped every 30 s so relative times refresh. */
  tick: number;
}

export const PRESENCE_KEY = 'omnigate.inbox.presence';
export const MUTE_KEY = 'omnigate.inbox.muted';
export const CONTACT_PANEL_KEY = 'omnigate.inbox.contactPanel';

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function persist(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage disabled: not persisted
  }
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'admin') {
    const section = ADMIN_SECTIONS.includes(parts[1] as AdminSection) ? (parts[1] as AdminSection) : 'agents';
    return { view: 'admin', section };
  }
  if (parts[0] === 'reports') return { view: 'reports' };
  if (parts[0] === 'contacts') {
    const contactId = Number(parts[1]);
    return { view: 'contacts', contactId: Number.isSafeInteger(contactId) && contactId > 0 ? contactId : null };
  }
  if (parts[0] === 'campaigns') {
    if (parts[1] === 'segments') return { view: 'campaigns', tab: 'segments', campaignId: null };
    const campaignId = parts[1] === 'new' ? 'new' : Number(parts[1]);
    return { view: 'campaigns', tab: 'campaigns', campaignId: campaignId === 'new' || (Number.isSafeInteger(campaignId) && campaignId > 0) ? campaignId : null };
  }
  const folder = FOLDERS.includes(parts[1] as FolderId) ? (parts[1] as FolderId) : 'pending';
  const id = Number(parts[2]);
  return { view: 'inbox', folder, convId: Number.isSafeInteger(id) && id > 0 ? id : null };
}

export function routeHash(route: Route): string {
  if (route.view === 'admin') return `#/admin/${route.section}`;
  if (route.view === 'reports') return '#/reports';
  if (route.view === 'contacts') return `#/contacts${route.contactId ? `/${route.contactId}` : ''}`;
  if (route.view === 'campaigns') return route.tab === 'segments' ? '#/campaigns/segments' : `#/campaigns${route.campaignId ? `/${route.campaignId}` : ''}`;
  return `#/inbox/${route.folder}${route.convId ? `/${route.convId}` : ''}`;
}

function initialState(): State {
  return {
    booted: false,
    me: null,
    loginNotice: null,
    route: parseHash(typeof location !== 'undefined' ? location.hash : ''),
    convs: {},
    convsStatus: 'loading',
    capped: {},
    search: '',
    detail: null,
    detailStatus: 'loading',
    detailError: null,
    messages: [],
    messagesStatus: 'loading',
    contactTyping: {},
    agentTyping: {},
    contactRead: {},
    contacts: {},
    agents: null,
    agentsStatus: 'loading',
    teams: null,
    teamsStatus: 'loading',
    inboxes: null,
    canned: null,
    cannedStatus: 'loading',
    presence: stored(PRESENCE_KEY) === 'away' ? 'away' : 'online',
    muted: stored(MUTE_KEY) === '1',
    notifyPermission: typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
    connected: false,
    connectionProblem: false,
    toasts: [],
    showContact: stored(CONTACT_PANEL_KEY) === null ? typeof window === 'undefined' || window.innerWidth >= 1360 : stored(CONTACT_PANEL_KEY) === '1',
    showShortcuts: false,
    tick: 0,
  };
}

let state: State = initialState();
const listeners = new Set<() => void>();

export function getState(): State {
  return state;
}

export function setState(patch: Partial<State> | ((s: State) => Partial<State>)): void {
  const p = typeof patch === 'function' ? patch(state) : patch;
  state = { ...state, ...p };
  for (const l of listeners) l();
}

/** Back to the signed-out state (keeps the personal preferences). */
export function resetState(notice: string | null): void {
  const keep = { presence: state.presence, muted: state.muted, showContact: state.showContact, notifyPermission: state.notifyPermission };
  state = { ...initialState(), ...keep, booted: true, loginNotice: notice };
  for (const l of listeners) l();
}

/** Re-render the calling component on every state change; returns the state. */
export function useAppState(): State {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const l = () => setVersion((v) => v + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return state;
}

/** Conversations of a folder, newest activity first. */
export function folderItems(s: State, folder: FolderId): ConvItem[] {
  const me = s.me?.id ?? -1;
  const myTeams = s.teams ? new Set(s.teams.filter((t) => t.memberIds.includes(me)).map((t) => t.id)) : null;
  const all = Object.values(s.convs);
  const pick = (c: ConvItem): boolean => {
    switch (folder) {
      case 'bot':
        return c.status === 'bot';
      case 'pending':
        return c.status === 'pending';
      case 'mine':
        return c.status === 'open' && c.assigneeId === me;
      case 'team':
        return c.status !== 'resolved' && c.teamId !== null && (myTeams === null || myTeams.has(c.teamId));
      case 'resolved':
        return c.status === 'resolved';
      case 'all':
        return true;
    }
  };
  return all.filter(pick).sort(byActivity);
}

export function byActivity(a: ConvItem, b: ConvItem): number {
  const ta = a.lastMessageAt ? Date.parse(a.lastMessageAt) : 0;
  const tb = b.lastMessageAt ? Date.parse(b.lastMessageAt) : 0;
  return tb - ta || b.id - a.id;
}
