/**
 * Everything the inbox does: sign-in, loading, the conversation actions, sending, and
 * applying live events to the state.
 */
import * as api from './api';
import { ApiError } from './api';
import { contactName, previewOf } from './format';
import { t } from './i18n';
import { askNotificationPermission, showToast } from './notify';
import {
  getState,
  parseHash,
  persist,
  resetState,
  routeHash,
  setState,
  CONTACT_PANEL_KEY,
  PRESENCE_KEY,
  type AdminSection,
  type FolderId,
  type Route,
  type ShownMessage,
} from './store';
import type { Agent, AgentView, Canned, ContactDetail, ConvDetail, ConvItem, ConvStatus, Inbox, Items, Message, Team } from './types';

/** A readable message for an error from the API or the network. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'GW_ERR_NETWORK') return t('networkError');
    return err.message;
  }
  return err instanceof Error ? err.message : t('genericError');
}

// ── routing ──────────────────────────────────────────────────────────────────────

/**
 * The route takes effect at once; the address follows. Waiting for `hashchange` (a task
 * of its own) lost keys typed faster than it came — j j j moved one conversation, not three.
 */
export function navigate(route: Route): void {
  const hash = routeHash(route);
  applyRoute(route);
  if (location.hash !== hash) location.hash = hash;
}

export function openConversation(id: number, folder?: FolderId): void {
  const r = getState().route;
  navigate({ view: 'inbox', folder: folder ?? (r.view === 'inbox' ? r.folder : 'all'), convId: id });
}

export function openFolder(folder: FolderId): void {
  const r = getState().route;
  navigate({ view: 'inbox', folder, convId: r.view === 'inbox' ? r.convId : null });
}

export function openAdmin(section: AdminSection): void {
  navigate({ view: 'admin', section });
}

export function closeConversation(): void {
  const r = getState().route;
  if (r.view === 'inbox') navigate({ ...r, convId: null });
}

/** Back/forward, or an address typed or pasted. Our own navigations are applied already (and a late event reads today's address). */
export function onHashChange(): void {
  const route = parseHash(location.hash);
  if (routeHash(route) !== routeHash(getState().route)) applyRoute(route);
}

function applyRoute(route: Route): void {
  const before = getState().route;
  setState({ route });
  const openId = route.view === 'inbox' ? route.convId : null;
  const beforeId = before.view === 'inbox' ? before.convId : null;
  if (openId !== null && (openId !== beforeId || getState().detail?.id !== openId)) void loadConversation(openId);
  if (openId === null) setState({ detail: null, messages: [] });
}

// ── session ──────────────────────────────────────────────────────────────────────

export async function boot(): Promise<void> {
  api.onSessionLost(() => void signedOut(t('sessionExpired')));
  try {
    const agent = await api.me();
    if (agent) await signedIn(agent);
    else setState({ booted: true });
  } catch (err) {
    setState({ booted: true, loginNotice: errorText(err) });
  }
}

export async function login(email: string, password: string): Promise<void> {
  askNotificationPermission();
  const r = await api.login(email, password);
  await signedIn(r.agent);
}

export async function logout(): Promise<void> {
  try {
    await api.logout();
  } catch {
    // signed out locally either way
  }
  await signedOut(null);
}

let connectRealtime: ((agent: AgentView) => void) | null = null;
let disconnectRealtime: (() => void) | null = null;

/** realtime.ts registers itself here (keeps the socket client out of this module's imports). */
export function registerRealtime(connect: (agent: AgentView) => void, disconnect: () => void): void {
  connectRealtime = connect;
  disconnectRealtime = disconnect;
}

async function signedIn(agent: AgentView): Promise<void> {
  setState({ me: agent, booted: true, loginNotice: null });
  connectRealtime?.(agent);
  applyRoute(getState().route);
  await Promise.all([loadConversations(), loadAgents(), loadTeams(), loadInboxes(), loadCanned()]);
}

async function signedOut(notice: string | null): Promise<void> {
  if (!getState().me) return;
  disconnectRealtime?.();
  api.setSession(null, null);
  resetState(notice);
}

// ── loading ──────────────────────────────────────────────────────────────────────

const PAGE = 500;
const ACTIVE: ConvStatus[] = ['bot', 'pending', 'open', 'snoozed'];

/** Every active conversation plus the latest resolved ones, merged into one map. */
export async function loadConversations(): Promise<void> {
  if (Object.keys(getState().convs).length === 0) setState({ convsStatus: 'loading' });
  try {
    const lists = await Promise.all([
      ...ACTIVE.map((status) => api.get<Items<ConvItem>>(`/conversations${api.qs({ status, limit: PAGE })}`)),
      api.get<Items<ConvItem>>(`/conversations${api.qs({ status: 'resolved', limit: 100 })}`),
    ]);
    const previous = getState().convs;
    const convs: Record<number, ConvItem> = {};
    const capped: Record<string, boolean> = {};
    lists.forEach((list, i) => {
      capped[i < ACTIVE.length ? ACTIVE[i]! : 'resolved'] = list.items.length >= (i < ACTIVE.length ? PAGE : 100);
      for (const c of list.items) {
        const prev = previous[c.id];
        convs[c.id] = { ...c, ...(prev?.preview ? { preview: prev.preview } : {}) };
      }
    });
    const open = openId();
    if (open && convs[open] && pageVisible()) convs[open] = { ...convs[open]!, unread: 0 };
    setState({ convs, capped, convsStatus: 'ready' });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    setState({ convsStatus: 'error' });
  }
}

async function loadList<T>(path: string): Promise<{ status: 'ready' | 'missing' | 'error'; items: T[] | null }> {
  try {
    return { status: 'ready', items: (await api.get<Items<T>>(path)).items };
  } catch (err) {
    return { status: err instanceof ApiError && err.status === 404 ? 'missing' : 'error', items: null };
  }
}

export async function loadAgents(): Promise<void> {
  const r = await loadList<Agent>('/agents');
  setState({ agents: r.items, agentsStatus: r.status });
}

export async function loadTeams(): Promise<void> {
  const r = await loadList<Team>('/teams');
  setState({ teams: r.items, teamsStatus: r.status });
}

export async function loadInboxes(): Promise<void> {
  const r = await loadList<Inbox>('/inboxes');
  setState({ inboxes: r.items });
}

export async function loadCanned(): Promise<void> {
  const r = await loadList<Canned>('/canned-responses');
  setState({ canned: r.items, cannedStatus: r.status });
}

function openId(): number | null {
  const r = getState().route;
  return r.view === 'inbox' ? r.convId : null;
}

function pageVisible(): boolean {
  return document.visibilityState === 'visible';
}

let loadSeq = 0;

export async function loadConversation(id: number): Promise<void> {
  const seq = ++loadSeq;
  const keepMessages = getState().detail?.id === id;
  setState({
    detailStatus: keepMessages ? 'ready' : 'loading',
    detailError: null,
    ...(keepMessages ? {} : { detail: null, messages: [], messagesStatus: 'loading' as const }),
  });
  const [detail, messages] = await Promise.allSettled([
    api.get<ConvDetail>(`/conversations/${id}`),
    api.get<Items<Message>>(`/conversations/${id}/messages`),
  ]);
  if (seq !== loadSeq) return;
  if (detail.status === 'rejected') {
    setState({ detailStatus: 'error', detailError: errorText(detail.reason), messagesStatus: 'error' });
    return;
  }
  setState((s) => ({
    detail: detail.value,
    detailStatus: 'ready',
    convs: { ...s.convs, [id]: itemFromDetail(detail.value, s.convs[id]) },
  }));
  if (messages.status === 'rejected') {
    setState({ messagesStatus: 'error' });
    return;
  }
  setState((s) => ({ messages: mergeMessages(messages.value.items, s.detail?.id === id ? s.messages : []), messagesStatus: 'ready' }));
  const last = lastPreview(messages.value.items);
  if (last) patchConv(id, { preview: last });
  markRead();
  if (getState().showContact) void loadContact(detail.value.contact.id);
}

export async function loadContact(contactId: number, force = false): Promise<void> {
  const existing = getState().contacts[contactId];
  if (existing && !force && existing.status !== 'error') return;
  setState((s) => ({ contacts: { ...s.contacts, [contactId]: { status: 'loading', data: existing?.data ?? null } } }));
  try {
    const raw = await api.get<ContactDetail & { contact?: Partial<ContactDetail> }>(`/contacts/${contactId}`);
    // Since issue #11 the record is under `contact` (the top-level fields are kept for older clients).
    const { contact, ...rest } = raw;
    const data: ContactDetail = contact ? { ...rest, ...contact, identities: rest.identities ?? [], conversations: rest.conversations ?? [] } : rest;
    setState((s) => ({ contacts: { ...s.contacts, [contactId]: { status: 'ready', data } } }));
  } catch (err) {
    const status = err instanceof ApiError && err.missingRoute ? 'missing' : 'error';
    setState((s) => ({ contacts: { ...s.contacts, [contactId]: { status, data: null } } }));
  }
}

function lastPreview(items: Message[]): string | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const m = items[i]!;
    if (!m.private && m.senderType !== 'system') return previewOf(m.content);
  }
  return undefined;
}

function itemFromDetail(d: ConvDetail, prev: ConvItem | undefined): ConvItem {
  return {
    id: d.id,
    inboxId: d.inboxId,
    channel: d.channel,
    status: d.status,
    contact: { id: d.contact.id, name: d.contact.name },
    assigneeId: d.assigneeId,
    teamId: d.teamId,
    lastMessageAt: d.lastMessageAt ?? prev?.lastMessageAt ?? null,
    unread: prev?.unread ?? 0,
    ...(prev?.preview ? { preview: prev.preview } : {}),
  };
}

function patchConv(id: number, patch: Partial<ConvItem>): void {
  setState((s) => (s.convs[id] ? { convs: { ...s.convs, [id]: { ...s.convs[id]!, ...patch } } } : {}));
}

// ── messages ─────────────────────────────────────────────────────────────────────

const STATUS_RANK: Record<string, number> = { pending: 0, stored: 0, sent: 1, failed: 1, delivered: 2, read: 3 };

/** Merge server messages into the shown list by id, never moving a status backwards. */
function mergeMessages(incoming: Message[], current: ShownMessage[]): ShownMessage[] {
  const byId = new Map<number, ShownMessage>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) {
    const prev = byId.get(m.id);
    if (prev && (STATUS_RANK[prev.status] ?? 0) > (STATUS_RANK[m.status] ?? 0)) byId.set(m.id, { ...m, status: prev.status, error: prev.error });
    else byId.set(m.id, m);
  }
  // Server messages in id order, then local ones (negative ids) in the order they were written.
  return [...byId.values()].sort((a, b) => ((a.id < 0) !== (b.id < 0) ? (a.id < 0 ? 1 : -1) : a.id < 0 ? b.id - a.id : a.id - b.id));
}

let localSeq = 0;
const lastMarked = new Map<number, number>();
const localActions = new Map<number, number>();

/** Whether I acted on this conversation in the last few seconds (no alert for my own doing). */
export function actedRecently(convId: number): boolean {
  return (localActions.get(convId) ?? 0) > Date.now() - 4000;
}

export async function sendMessage(convId: number, text: string, isPrivate: boolean, replaceLocalId?: number): Promise<void> {
  const me = getState().me;
  const localId = replaceLocalId ?? -++localSeq;
  const local: ShownMessage = {
    id: localId,
    direction: 'out',
    senderType: 'agent',
    senderId: me?.id ?? null,
    content: { type: 'text', text },
    private: isPrivate,
    status: isPrivate ? 'stored' : 'pending',
    error: null,
    createdAt: new Date().toISOString(),
    local: true,
    localError: null,
  };
  localActions.set(convId, Date.now());
  if (getState().detail?.id === convId) {
    setState((s) => ({ messages: [...s.messages.filter((m) => m.id !== localId), local] }));
  }
  try {
    const saved = await api.post<Message>(`/conversations/${convId}/messages`, { text, private: isPrivate });
    setState((s) => (s.detail?.id === convId ? { messages: mergeMessages([saved], s.messages.filter((m) => m.id !== localId)) } : {}));
    if (!isPrivate) patchConv(convId, { preview: text, lastMessageAt: saved.createdAt });
    markRead();
  } catch (err) {
    const reason = errorText(err);
    setState((s) => ({ messages: s.messages.map((m) => (m.id === localId ? { ...m, status: 'failed', localError: reason } : m)) }));
  }
}

/** Send an image or file as the agent; the server checks its type by content. */
export async function sendAttachment(convId: number, file: File): Promise<void> {
  try {
    const saved = await api.uploadFile<Message>(`/conversations/${convId}/attachments`, file, file.name);
    setState((s) => (s.detail?.id === convId ? { messages: mergeMessages([saved], s.messages) } : {}));
    patchConv(convId, { preview: file.name, lastMessageAt: saved.createdAt });
  } catch (err) {
    showToast('error', `${t('attachFailed')}: ${errorText(err)}`);
  }
}

export function retryLocal(message: ShownMessage): void {
  const convId = getState().detail?.id;
  if (!convId || !message.local) return;
  void sendMessage(convId, message.content.text ?? '', message.private, message.id);
}

/** Asks the server to send a failed (or unknown) message again; the server says when an unknown one may still be confirmed. */
export async function resendMessage(message: ShownMessage): Promise<void> {
  const convId = getState().detail?.id;
  if (!convId || message.local) return;
  try {
    const saved = await api.post<Message>(`/conversations/${convId}/messages/${message.id}/retry`);
    setState((s) => (s.detail?.id === convId ? { messages: mergeMessages([saved], s.messages) } : {}));
  } catch (err) {
    showToast('error', `${t('resendFailed')}: ${errorText(err)}`);
  }
}

export function markRead(): void {
  const s = getState();
  const id = openId();
  if (!id || !s.detail || s.detail.id !== id || !pageVisible()) return;
  let last = 0;
  for (const m of s.messages) if (m.id > last) last = m.id;
  if (last > 0 && last > (lastMarked.get(id) ?? 0)) {
    lastMarked.set(id, last);
    void api.post(`/conversations/${id}/read`, { lastReadId: last }).catch(() => lastMarked.delete(id));
  }
  if ((s.convs[id]?.unread ?? 0) > 0) patchConv(id, { unread: 0 });
}

// ── conversation actions ─────────────────────────────────────────────────────────

async function act(convId: number, path: string, body: unknown = {}): Promise<boolean> {
  localActions.set(convId, Date.now());
  try {
    const detail = await api.post<ConvDetail>(`/conversations/${convId}/${path}`, body);
    applyDetail(detail);
    return true;
  } catch (err) {
    showToast('error', errorText(err));
    return false;
  }
}

function applyDetail(detail: ConvDetail): void {
  setState((s) => ({
    detail: s.detail?.id === detail.id ? detail : s.detail,
    convs: { ...s.convs, [detail.id]: itemFromDetail(detail, s.convs[detail.id]) },
  }));
}

export const resolveConversation = (id: number) => act(id, 'resolve');
export const reopenConversation = (id: number) => act(id, 'reopen');
export const snoozeConversation = (id: number, until: Date) => act(id, 'snooze', { until: until.toISOString() });
export const assignConversation = (id: number, target: { agentId?: number | null; teamId?: number | null; note?: string }) => act(id, 'assign', target);

// ── preferences ──────────────────────────────────────────────────────────────────

let emitPresence: ((status: 'online' | 'away') => void) | null = null;
let emitTyping: ((conversationId: number, typing: boolean) => void) | null = null;

export function registerEmitters(presence: (status: 'online' | 'away') => void, typing: (conversationId: number, typing: boolean) => void): void {
  emitPresence = presence;
  emitTyping = typing;
}

export function setPresence(status: 'online' | 'away'): void {
  persist(PRESENCE_KEY, status);
  setState({ presence: status });
  emitPresence?.(status);
}

export function sendTyping(conversationId: number, typing: boolean): void {
  emitTyping?.(conversationId, typing);
}

export function toggleContactPanel(): void {
  const show = !getState().showContact;
  persist(CONTACT_PANEL_KEY, show ? '1' : '0');
  setState({ showContact: show });
  const d = getState().detail;
  if (show && d) void loadContact(d.contact.id);
}

export function setSearch(search: string): void {
  setState({ search });
}

// ── live events ──────────────────────────────────────────────────────────────────

export interface LiveMessage {
  conversationId: number;
  inboxId: number;
  message: Message;
}

/** Conversations being fetched because an event named one we did not know yet. */
const fetching = new Map<number, Promise<void>>();
/** Unread messages and previews that arrived while such a fetch was in flight. */
const pendingLive = new Map<number, { unread: number; preview?: string }>();

function fetchUnknown(id: number, unread: number, preview?: string): Promise<void> {
  const acc = pendingLive.get(id) ?? { unread: 0 };
  acc.unread += unread;
  if (preview) acc.preview = preview;
  pendingLive.set(id, acc);
  const existing = fetching.get(id);
  if (existing) return existing;
  const p = api
    .get<ConvDetail>(`/conversations/${id}`)
    .then((d) => {
      const live = pendingLive.get(id) ?? { unread: 0 };
      setState((s) => {
        const item = itemFromDetail(d, s.convs[id]);
        return { convs: { ...s.convs, [id]: { ...item, unread: item.unread + live.unread, ...(live.preview ? { preview: live.preview } : {}) } } };
      });
    })
    .catch(() => undefined)
    .finally(() => {
      fetching.delete(id);
      pendingLive.delete(id);
    });
  fetching.set(id, p);
  return p;
}

/** Resolves once the conversation is in the list (fetched if an event named a new one). */
export function ensureConversation(id: number): Promise<void> {
  if (getState().convs[id]) return Promise.resolve();
  return fetching.get(id) ?? fetchUnknown(id, 0);
}

export function applyLiveMessage(e: LiveMessage): void {
  const m = e.message;
  const s = getState();
  const isOpen = openId() === e.conversationId && s.detail?.id === e.conversationId;
  const counts = m.direction === 'in' && !(isOpen && pageVisible());
  const preview = !m.private && m.senderType !== 'system' ? previewOf(m.content) : undefined;
  const conv = s.convs[e.conversationId];
  if (conv) {
    patchConv(e.conversationId, { lastMessageAt: m.createdAt, unread: conv.unread + (counts ? 1 : 0), ...(preview ? { preview } : {}) });
  } else {
    void fetchUnknown(e.conversationId, counts ? 1 : 0, preview);
  }
  if (m.direction === 'in') setState((st) => ({ contactTyping: { ...st.contactTyping, [e.conversationId]: 0 } }));
  if (isOpen) {
    setState((st) => {
      let messages = st.messages;
      // My own message posted from this tab: replace its local copy rather than show it twice.
      if (m.senderType === 'agent' && m.senderId === st.me?.id && !messages.some((x) => x.id === m.id)) {
        const local = messages.find((x) => x.local && !x.localError && x.private === m.private && x.content.text === m.content.text);
        if (local) messages = messages.filter((x) => x !== local);
      }
      return { messages: mergeMessages([m], messages) };
    });
    markRead();
  }
}

export function applyMessageStatus(e: { conversationId: number; messageId: number; status: string; error: string | null }): void {
  setState((s) => (s.detail?.id === e.conversationId ? { messages: s.messages.map((m) => (m.id === e.messageId ? { ...m, status: e.status, error: e.error } : m)) } : {}));
}

export interface LiveConversationEvent {
  type: string;
  conversationId: number;
  inboxId: number;
  channel: string;
  status: string | null;
  assigneeId: number | null;
  teamId: number | null;
  at: string;
}

export function applyConversationEvent(e: LiveConversationEvent): void {
  const s = getState();
  const conv = s.convs[e.conversationId];
  if (!conv) {
    void fetchUnknown(e.conversationId, 0);
  } else {
    patchConv(e.conversationId, {
      ...(e.status ? { status: e.status as ConvStatus } : {}),
      assigneeId: e.assigneeId,
      teamId: e.teamId,
      ...(e.type === 'conversation.created' ? { lastMessageAt: conv.lastMessageAt ?? e.at } : {}),
    });
  }
  if (s.detail?.id === e.conversationId) {
    setState((st) =>
      st.detail
        ? { detail: { ...st.detail, ...(e.status ? { status: e.status as ConvStatus } : {}), assigneeId: e.assigneeId, teamId: e.teamId, ...(e.status && e.status !== 'snoozed' ? { snoozedUntil: null } : {}) } }
        : {},
    );
    if (e.type === 'conversation.status_changed' && e.status === 'snoozed') void refreshDetail(e.conversationId);
  }
}

async function refreshDetail(id: number): Promise<void> {
  try {
    const d = await api.get<ConvDetail>(`/conversations/${id}`);
    if (getState().detail?.id === id) applyDetail(d);
  } catch {
    // keep what we have
  }
}

export function applyContactTyping(e: { conversationId: number; typing: boolean }): void {
  setState((s) => ({ contactTyping: { ...s.contactTyping, [e.conversationId]: e.typing ? Date.now() + 8000 : 0 } }));
}

export function applyAgentTyping(e: { conversationId: number; agentId: number; name: string; typing: boolean }): void {
  if (e.agentId === getState().me?.id) return;
  setState((s) => {
    const agentTyping = { ...s.agentTyping };
    if (e.typing) agentTyping[e.conversationId] = { agentId: e.agentId, name: e.name, until: Date.now() + 8000 };
    else if (agentTyping[e.conversationId]?.agentId === e.agentId) delete agentTyping[e.conversationId];
    return { agentTyping };
  });
}

export function applyContactRead(e: { conversationId: number; lastReadId: number }): void {
  setState((s) => ({ contactRead: { ...s.contactRead, [e.conversationId]: Math.max(s.contactRead[e.conversationId] ?? 0, e.lastReadId) } }));
}

export function applyPresence(e: { agentId: number; status: 'online' | 'away' | 'offline' }): void {
  setState((s) => ({ agents: s.agents ? s.agents.map((a) => (a.id === e.agentId ? { ...a, presence: e.status } : a)) : s.agents }));
}

/** A name for alerts: the contact's, when the conversation is known. */
export function conversationTitle(convId: number): string {
  const c = getState().convs[convId];
  return c ? contactName(c.contact) : `#${convId}`;
}

/** After the socket reconnects without recovering missed events: reload what is shown. */
export function resync(): void {
  void loadConversations();
  const id = openId();
  if (id) void loadConversation(id);
}
