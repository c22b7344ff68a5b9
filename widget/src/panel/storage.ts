import { STORAGE_PREFIX, type PrechatFieldMode, type VisitorContent, type WidgetInboxInfo, type WidgetMessage } from '../../../channels/widget/protocol';
import { KEY_SUFFIX } from '../hook';

/** How many messages the local cache keeps; the server has the rest. */
export const HISTORY_LIMIT = 200;

/** A message the visitor wrote that the server has not acknowledged yet. */
export interface OutboxItem {
  clientId: string;
  content: VisitorContent;
  createdAt: string;
  state: 'sending' | 'failed';
  /** What the bubble shows for an upload (the file name), since the content only has an id. */
  label?: string;
}

/** Small per-visitor facts kept between page views. */
export interface VisitorState {
  /** Whose conversation the cache holds; a different visitor id (new token, other login) empties it. */
  visitorId: string | null;
  /** Bot/agent messages with an id above this count as unread. */
  readUpTo: number;
  /** Unread count, read by the loader to draw the badge before the panel loads. */
  unread: number;
  /** The agent side has read the visitor's messages up to this id. */
  seenByAgent: number;
  prechatDone: boolean;
  /** Inbox info from the last session, so a reload draws the panel at once in the right language. */
  inbox: WidgetInboxInfo | null;
}

const EMPTY_STATE: VisitorState = { visitorId: null, readUpTo: 0, unread: 0, seenByAgent: 0, prechatDone: false, inbox: null };

/** localStorage, or a Map when it is missing or refuses (privacy modes, sandboxed frames, quota). */
function backend(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  try {
    const probe = `${STORAGE_PREFIX}probe`;
    localStorage.setItem(probe, '1');
    localStorage.removeItem(probe);
    return localStorage;
  } catch {
    const memory = new Map<string, string>();
    return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v), removeItem: (k) => void memory.delete(k) };
  }
}

function parse(raw: string | null): unknown {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isMessage = (v: unknown): v is WidgetMessage => isObject(v) && Number.isSafeInteger(v.id) && isObject(v.content) && (v.direction === 'in' || v.direction === 'out');
const isOutboxItem = (v: unknown): v is OutboxItem => isObject(v) && typeof v.clientId === 'string' && isObject(v.content) && typeof v.content.type === 'string';
const isMode = (v: unknown): v is PrechatFieldMode => v === 'off' || v === 'optional' || v === 'required';
const isInbox = (v: unknown): v is WidgetInboxInfo =>
  isObject(v) && typeof v.name === 'string' && (v.lang === 'vi' || v.lang === 'en') && isObject(v.prechat) && isMode(v.prechat.name) && isMode(v.prechat.phone) && isMode(v.prechat.email);

/**
 * Everything the widget remembers for one inbox, under STORAGE_PREFIX + inbox:
 *   (bare key) the visitor token · :history {lastId, messages} (last 200)
 *   :outbox unsent messages · :state VisitorState
 * Whatever is read back is checked, since any script of the page can write there.
 */
export class VisitorStorage {
  private readonly store = backend();
  private readonly key: string;

  constructor(inbox: string) {
    this.key = STORAGE_PREFIX + inbox;
  }

  token(): string | null {
    return this.store.getItem(this.key);
  }

  setToken(token: string): void {
    this.write(this.key, token);
  }

  dropToken(): void {
    this.store.removeItem(this.key);
  }

  history(): WidgetMessage[] {
    const raw = parse(this.store.getItem(this.key + KEY_SUFFIX.history));
    return isObject(raw) && Array.isArray(raw.messages) ? raw.messages.filter(isMessage) : [];
  }

  saveHistory(messages: WidgetMessage[]): void {
    const kept = messages.slice(-HISTORY_LIMIT);
    this.write(this.key + KEY_SUFFIX.history, JSON.stringify({ lastId: kept.length ? kept[kept.length - 1]!.id : 0, messages: kept }));
  }

  outbox(): OutboxItem[] {
    const raw = parse(this.store.getItem(this.key + KEY_SUFFIX.outbox));
    return Array.isArray(raw) ? raw.filter(isOutboxItem) : [];
  }

  saveOutbox(items: OutboxItem[]): void {
    if (items.length === 0) this.store.removeItem(this.key + KEY_SUFFIX.outbox);
    else this.write(this.key + KEY_SUFFIX.outbox, JSON.stringify(items));
  }

  state(): VisitorState {
    const raw = parse(this.store.getItem(this.key + KEY_SUFFIX.state));
    if (!isObject(raw)) return { ...EMPTY_STATE };
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
    return {
      visitorId: typeof raw.visitorId === 'string' ? raw.visitorId : null,
      readUpTo: num(raw.readUpTo),
      unread: num(raw.unread),
      seenByAgent: num(raw.seenByAgent),
      prechatDone: raw.prechatDone === true,
      inbox: isInbox(raw.inbox) ? raw.inbox : null,
    };
  }

  saveState(state: VisitorState): void {
    this.write(this.key + KEY_SUFFIX.state, JSON.stringify(state));
  }

  /** Another visitor now (expired token, different login): forget the old conversation, keep unsent text. */
  forgetConversation(): void {
    this.store.removeItem(this.key + KEY_SUFFIX.history);
    this.store.removeItem(this.key + KEY_SUFFIX.state);
  }

  private write(key: string, value: string): void {
    try {
      this.store.setItem(key, value);
    } catch {
      // Quota exceeded: the cache is only a cache; the server keeps the history.
    }
  }
}
