import { io, type Socket } from 'socket.io-client';
import { WIDGET_ERRORS, WIDGET_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents, type SessionRequest, type SessionResponse } from '../../../channels/widget/protocol';
import type { WidgetConfig } from '../hook';
import { ApiError, requestSession } from './api';
import type { VisitorStorage } from './storage';

export type WidgetSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectionEvents {
  /** A session was issued or renewed (on start, and after the server refused a token). */
  session(session: SessionResponse): void;
  connected(): void;
  disconnected(): void;
  /** The widget cannot work (unknown inbox, site not allowed): stop trying. */
  fatal(code: string): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const IDENTITY_REFUSED = 'WIDGET_INVALID_IDENTITY';

/**
 * Visitor session (HTTP) + Socket.IO connection to `/widget`. The token travels in the
 * handshake `auth`, read fresh at every (re)connect. A refused token is dropped and
 * replaced by a new session; network trouble is left to socket.io's own reconnection.
 */
export class Connection {
  readonly socket: WidgetSocket;
  private token: string | null;
  private identity: Pick<SessionRequest, 'identifier' | 'identifierHash'>;
  private refusals = 0;
  private retryDelay = 1000;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly config: WidgetConfig,
    private readonly storage: VisitorStorage,
    private readonly events: ConnectionEvents,
  ) {
    this.token = storage.token();
    this.identity = config.identifier && config.identifierHash ? { identifier: config.identifier, identifierHash: config.identifierHash } : {};
    // The namespace is the URL's path for socket.io, so a base with a path prefix
    // (https://host/chat) goes into `path` instead.
    const base = new URL(config.base);
    this.socket = io(base.origin + WIDGET_NAMESPACE, {
      path: `${base.pathname.replace(/\/$/, '')}/socket.io`,
      transports: ['websocket', 'polling'],
      autoConnect: false,
      auth: (cb) => cb({ inbox: config.inbox, token: this.token ?? '' }),
    });
    this.socket.on('connect', () => {
      this.refusals = 0;
      this.retryDelay = 1000;
      events.connected();
    });
    this.socket.on('disconnect', (reason) => {
      events.disconnected();
      // The server closed us on purpose (e.g. a token gone stale): new session, then back.
      if (reason === 'io server disconnect') void this.reconnectWithNewSession(false);
    });
    this.socket.on('connect_error', (err) => {
      events.disconnected();
      if (err.message === WIDGET_ERRORS.invalidToken) void this.reconnectWithNewSession(true);
      else if (err.message === WIDGET_ERRORS.unknownInbox) this.fail(err.message);
      // A network problem: socket.io retries by itself (socket.active). Refused by the
      // server for another reason (rate limit, restart): it does not, so we do, slowly.
      else if (!this.socket.active) this.retryLater();
    });
  }

  async start(): Promise<void> {
    const session = await this.newSession();
    if (session) this.socket.connect();
  }

  currentToken(): string | null {
    return this.token;
  }

  /** Get a fresh session, e.g. after the upload endpoint refused the token. */
  async renew(dropToken: boolean): Promise<string | null> {
    if (dropToken) this.forgetToken();
    const session = await this.newSession();
    return session ? session.token : null;
  }

  private forgetToken(): void {
    this.storage.dropToken();
    this.token = null;
  }

  private async reconnectWithNewSession(dropToken: boolean): Promise<void> {
    if (this.stopped) return;
    // A server that refuses even fresh tokens must not be hammered: 2 s, 4 s, … 30 s.
    if (dropToken && ++this.refusals > 1) await sleep(Math.min(30_000, 1000 * 2 ** (this.refusals - 1)));
    const token = await this.renew(dropToken);
    if (token && !this.socket.connected) this.socket.connect();
  }

  /** POST the session, dealing with refusals; retries network errors with backoff. Null when hopeless. */
  private async newSession(): Promise<SessionResponse | null> {
    let delay = 1000;
    while (!this.stopped) {
      const token = this.storage.token();
      const lang = this.config.langHint;
      try {
        const session = await requestSession(this.config.base, {
          inbox: this.config.inbox,
          ...(token ? { token } : {}),
          ...this.identity,
          ...(lang ? { lang } : {}),
        });
        this.storage.setToken(session.token);
        this.token = session.token;
        this.events.session(session);
        return session;
      } catch (err) {
        if (err instanceof ApiError) {
          if (err.code === WIDGET_ERRORS.invalidToken && token) {
            this.forgetToken();
            continue;
          }
          if (err.code === IDENTITY_REFUSED && this.identity.identifier) {
            console.warn('[omnigate] data-identifier-hash does not match data-identifier; chatting as an anonymous visitor');
            this.identity = {};
            continue;
          }
          if (err.status === 400 || err.status === 403 || err.status === 404) {
            this.fail(err.code);
            return null;
          }
          if (err.retryAfter) delay = err.retryAfter * 1000;
        }
        this.events.disconnected();
        await sleep(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
    return null;
  }

  private retryLater(): void {
    if (this.retryTimer || this.stopped) return;
    const jitter = 0.75 + Math.random() / 2;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.socket.connected && !this.socket.active) this.socket.connect();
    }, this.retryDelay * jitter);
    this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
  }

  private fail(code: string): void {
    this.stopped = true;
    this.socket.disconnect();
    console.warn(`[omnigate] chat unavailable: ${code}`);
    this.events.fatal(code);
  }
}
