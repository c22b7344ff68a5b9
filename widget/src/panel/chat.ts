import { MAX_UPLOAD_BYTES, MAX_WIDGET_TEXT, type ServerToClientEvents, type SessionResponse, type WidgetLang, type WidgetMessage } from '../../../channels/widget/protocol';
import type { PanelApi, WidgetHook } from '../hook';
import { PANEL_TEXT, fill } from '../i18n';
import { addStyles } from '../dom';
import { ApiError, uploadFile, type UploadResult } from './api';
import type { ListItem } from './bubbles';
import { Connection } from './connection';
import type { ContactValues, OfflineValues } from './forms';
import { newClientId } from './ids';
import { countUnread, isFromBusiness, lastId, mergeMessages } from './messages';
import { Outbox, type SendOutcome } from './outbox';
import { VisitorStorage, type OutboxItem, type VisitorState } from './storage';
import { PANEL_CSS } from './styles';
import { TypingSignal } from './typing';
import { PanelView, type ViewHandlers, type ViewModel } from './view';

const ACK_TIMEOUT_MS = 20_000;
/** Hide the agent's typing indicator if its "stopped" event never comes. */
const TYPING_TTL_MS = 15_000;
/** Before the first connect, say "connecting" only if it takes longer than this. */
const SLOW_START_MS = 1500;

type ConversationStatus = Parameters<ServerToClientEvents['status']>[0];
type RemoteTyping = Parameters<ServerToClientEvents['typing']>[0];

/**
 * The chat controller: owns the conversation state (messages, outbox, connection,
 * unread count, forms) and re-renders the view from it after every change.
 */
export class Chat implements PanelApi {
  private readonly storage: VisitorStorage;
  private state: VisitorState;
  private messages: WidgetMessage[];
  private readonly outbox: Outbox;
  private readonly conn: Connection;
  private readonly typingSignal: TypingSignal;
  private view: PanelView | null = null;
  private lang: WidgetLang;
  private opened = false;
  private connected = false;
  private everConnected = false;
  private slowStart = false;
  private unavailable = false;
  private conversation: ConversationStatus | null = null;
  private offline: ViewModel['offline'] = 'none';
  private remoteTyping: RemoteTyping | null = null;
  private remoteTypingTimer: ReturnType<typeof setTimeout> | null = null;
  private uploads: { id: string; name: string }[] = [];
  private notice: string | null = null;
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private lastReadSent = 0;

  constructor(private readonly hook: WidgetHook) {
    const { config } = hook;
    this.storage = new VisitorStorage(config.inbox);
    this.state = this.storage.state();
    this.messages = this.storage.history();
    this.lang = config.langHint ?? this.state.inbox?.lang ?? 'vi';
    hook.setLang(this.lang);
    addStyles(hook.root, PANEL_CSS);
    this.outbox = new Outbox(this.storage, (item) => this.transmit(item), (message) => this.receive([message]), () => this.render());
    this.conn = new Connection(config, this.storage, {
      session: (session) => this.onSession(session),
      connected: () => this.onConnected(),
      disconnected: () => this.onDisconnected(),
      fatal: () => {
        this.unavailable = true;
        this.render();
      },
    });
    this.typingSignal = new TypingSignal((typing) => {
      if (this.conn.socket.connected) this.conn.socket.emit('typing', { typing });
    });
    this.listen();
    document.addEventListener('visibilitychange', () => this.markRead());
    hook.root.addEventListener('keydown', (event) => {
      if (event instanceof KeyboardEvent && event.key === 'Escape' && this.opened) {
        event.stopPropagation();
        hook.close();
      }
    });
    setTimeout(() => {
      this.slowStart = true;
      this.render();
    }, SLOW_START_MS);
    this.refreshUnread();
    void this.conn.start();
  }

  open(): void {
    this.opened = true;
    const view = this.ensureView();
    view.show();
    this.hook.setOpen(true);
    this.render(true);
    this.markRead();
    view.focus();
  }

  close(): void {
    this.opened = false;
    this.view?.hide();
    this.typingSignal.stop();
    this.refreshUnread();
  }

  // ── connection events ────────────────────────────────────────────────────────────

  private listen(): void {
    const socket = this.conn.socket;
    socket.on('message', (message) => this.receive([message]));
    socket.on('message:status', ({ id, status }) => {
      const known = this.messages.find((m) => m.id === id);
      if (known && known.status !== status) this.receive([{ ...known, status }]);
    });
    socket.on('typing', (payload) => this.setRemoteTyping(payload.typing ? payload : null));
    socket.on('read', ({ lastReadId }) => {
      if (!(lastReadId > this.state.seenByAgent)) return;
      this.state.seenByAgent = lastReadId;
      this.saveState();
      this.render();
    });
    socket.on('status', (status) => {
      this.conversation = status;
      const noAgent = status.status === 'pending' && !status.agentsOnline;
      if (noAgent && this.offline === 'none') this.offline = 'form';
      if (status.status !== 'pending') this.offline = 'none';
      this.render();
    });
  }

  private onSession(session: SessionResponse): void {
    if (this.state.visitorId && this.state.visitorId !== session.visitorId) {
      // Someone else now (expired token, another login): the old conversation is not theirs.
      this.storage.forgetConversation();
      this.messages = [];
      this.state = this.storage.state();
      this.lastReadSent = 0;
    }
    this.state.visitorId = session.visitorId;
    this.state.inbox = session.inbox;
    this.saveState();
    this.setLang(this.hook.config.langHint ?? session.inbox.lang);
    this.refreshUnread();
    this.render();
  }

  private onConnected(): void {
    this.connected = true;
    this.everConnected = true;
    this.render();
    // After every (re)connect: fetch what we missed, then send what is queued.
    this.conn.socket.timeout(ACK_TIMEOUT_MS).emit('history:sync', { afterId: lastId(this.messages) }, (err, result) => {
      if (!err && result.ok) this.receive(result.messages);
      this.outbox.pump();
      this.markRead();
    });
  }

  private onDisconnected(): void {
    this.connected = false;
    this.setRemoteTyping(null);
  }

  /** One send attempt of a queued message. */
  private transmit(item: OutboxItem): Promise<SendOutcome> {
    const socket = this.conn.socket;
    return new Promise((resolve) => {
      if (!socket.connected) return resolve({ kind: 'offline' });
      socket.timeout(ACK_TIMEOUT_MS).emit('message:send', { clientId: item.clientId, content: item.content }, (err, result) => {
        if (err) resolve(socket.connected ? { kind: 'timeout' } : { kind: 'offline' });
        else if (result.ok) resolve({ kind: 'stored', message: result.message });
        else resolve({ kind: 'rejected', error: result.error });
      });
    });
  }

  /** Messages from a sync, a live event or an ack: merged by id, cached, counted. */
  private receive(incoming: WidgetMessage[]): void {
    if (incoming.length === 0) return;
    this.messages = mergeMessages(this.messages, incoming);
    this.storage.saveHistory(this.messages);
    this.outbox.settle(incoming);
    if (this.remoteTyping && incoming.some(isFromBusiness)) this.setRemoteTyping(null);
    this.markRead();
    this.refreshUnread();
    this.render();
  }

  // ── read state and unread badge ──────────────────────────────────────────────────

  private markRead(): void {
    if (!this.opened || document.visibilityState !== 'visible') return;
    const top = lastId(this.messages);
    if (top > this.state.readUpTo) {
      this.state.readUpTo = top;
      this.saveState();
    }
    this.refreshUnread();
    if (this.connected && top > this.lastReadSent) {
      this.lastReadSent = top;
      this.conn.socket.emit('read', { lastReadId: top });
    }
  }

  private refreshUnread(): void {
    const unread = countUnread(this.messages, this.state.readUpTo);
    if (unread !== this.state.unread) {
      this.state.unread = unread;
      this.saveState();
    }
    this.hook.setUnread(this.opened ? 0 : unread);
  }

  private saveState(): void {
    this.storage.saveState(this.state);
  }

  // ── visitor actions ──────────────────────────────────────────────────────────────

  private handlers(): ViewHandlers {
    return {
      send: (text) => {
        this.typingSignal.stop();
        this.outbox.add({ type: 'text', text: text.slice(0, MAX_WIDGET_TEXT) });
        this.render(true);
      },
      quickReply: (reply) => {
        this.outbox.add({ type: 'quick_reply', text: reply.title, payload: reply.payload });
        this.render(true);
      },
      retry: (clientId) => this.outbox.retry(clientId),
      file: (file) => void this.sendFile(file),
      typing: () => this.typingSignal.input(),
      close: () => this.hook.close(),
      prechat: (values) => this.submitPrechat(values),
      offline: (values) => this.submitOffline(values),
    };
  }

  private async sendFile(file: File): Promise<void> {
    const t = PANEL_TEXT[this.lang];
    if (file.size > MAX_UPLOAD_BYTES) return this.showNotice(fill(t.fileTooBig, { max: Math.round(MAX_UPLOAD_BYTES / 1024 / 1024) }));
    const upload = { id: newClientId(), name: file.name };
    this.uploads.push(upload);
    this.render(true);
    try {
      const result = await this.upload(file);
      this.outbox.add({ type: 'upload', uploadId: result.uploadId }, file.name);
    } catch {
      this.showNotice(t.uploadFailed);
    } finally {
      this.uploads = this.uploads.filter((u) => u !== upload);
      this.render(true);
    }
  }

  /** Upload with the current token; once more with a renewed session if it was refused. */
  private async upload(file: File): Promise<UploadResult> {
    const base = this.hook.config.base;
    const token = this.conn.currentToken() ?? (await this.conn.renew(false));
    if (!token) throw new Error('no session');
    try {
      return await uploadFile(base, token, file);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err;
      const renewed = await this.conn.renew(false);
      if (!renewed) throw err;
      return uploadFile(base, renewed, file);
    }
  }

  private submitPrechat(values: ContactValues): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = this.conn.socket;
      if (!socket.connected) return resolve(false);
      socket.timeout(ACK_TIMEOUT_MS).emit('prechat:submit', values, (err, result) => {
        const ok = !err && result.ok;
        if (ok) {
          this.state.prechatDone = true;
          this.saveState();
          this.render();
        }
        resolve(ok);
      });
    });
  }

  private submitOffline(values: OfflineValues): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = this.conn.socket;
      if (!socket.connected) return resolve(false);
      socket.timeout(ACK_TIMEOUT_MS).emit('offline:submit', values, (err, result) => {
        const ok = !err && result.ok;
        if (ok) {
          this.offline = 'thanks';
          this.render();
        }
        resolve(ok);
      });
    });
  }

  private showNotice(text: string): void {
    this.notice = text;
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notice = null;
      this.render();
    }, 6000);
    this.render(true);
  }

  private setRemoteTyping(typing: RemoteTyping | null): void {
    if (this.remoteTypingTimer) clearTimeout(this.remoteTypingTimer);
    this.remoteTypingTimer = typing ? setTimeout(() => this.setRemoteTyping(null), TYPING_TTL_MS) : null;
    this.remoteTyping = typing;
    this.render();
  }

  // ── rendering ────────────────────────────────────────────────────────────────────

  private ensureView(): PanelView {
    if (!this.view) {
      this.view = new PanelView(PANEL_TEXT[this.lang], this.lang, this.hook.config.base, this.handlers());
      this.hook.mount.appendChild(this.view.el);
    }
    return this.view;
  }

  /** The inbox's language may differ from the provisional one: rebuild the panel in it. */
  private setLang(lang: WidgetLang): void {
    if (lang === this.lang) return;
    this.lang = lang;
    this.hook.setLang(lang);
    const old = this.view;
    if (!old) return;
    this.view = null;
    old.el.remove();
    const view = this.ensureView();
    view.setDraft(old.draft());
    if (old.visible) view.show();
    this.render(true);
  }

  private needsPrechat(): boolean {
    const inbox = this.state.inbox;
    if (!inbox || this.state.prechatDone || this.messages.length > 0 || this.outbox.list().length > 0) return false;
    return inbox.prechat.name !== 'off' || inbox.prechat.phone !== 'off' || inbox.prechat.email !== 'off';
  }

  private model(): ViewModel {
    const t = PANEL_TEXT[this.lang];
    const items: ListItem[] = [];
    let previous: WidgetMessage | null = null;
    for (const message of this.messages) {
      const sameSender = previous !== null && previous.direction === message.direction && previous.senderType === message.senderType && previous.senderName === message.senderName;
      items.push({ kind: 'stored', message, showName: message.direction === 'out' && !sameSender, seen: false });
      previous = message;
    }
    const pending = this.outbox.list();
    const last = this.messages[this.messages.length - 1];
    // "Seen" only under the visitor's latest message, once the agent side has read it.
    const lastIn = [...this.messages].reverse().find((m) => m.direction === 'in');
    if (lastIn && pending.length === 0 && lastIn.id <= this.state.seenByAgent) {
      const row = items.find((i) => i.kind === 'stored' && i.message === lastIn);
      if (row && row.kind === 'stored') row.seen = true;
    }
    for (const item of pending) items.push({ kind: 'pending', item });
    for (const upload of this.uploads) items.push({ kind: 'uploading', ...upload });
    const quickReplies =
      last && isFromBusiness(last) && last.content.type === 'text' && last.content.quickReplies?.length && pending.length === 0 && this.uploads.length === 0 ? last.content.quickReplies : null;
    const status = this.unavailable ? t.unavailable : this.connected ? null : this.everConnected ? t.reconnecting : this.slowStart ? t.connecting : null;
    return {
      subtitle: this.state.inbox?.name ?? null,
      status,
      greeting: this.state.inbox?.greeting ?? null,
      items,
      quickReplies,
      typing: this.remoteTyping ? (this.remoteTyping.senderType === 'bot' ? t.botTyping : t.typing) : null,
      prechat: this.needsPrechat() ? this.state.inbox!.prechat : null,
      offline: this.offline,
      notice: this.notice,
    };
  }

  private render(forceScroll = false): void {
    this.view?.update(this.model(), forceScroll);
  }
}
