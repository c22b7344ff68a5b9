/**
 * The website widget's wire protocol, shared by the server side (channels/widget/) and
 * the browser client (widget/). Type-only plus a few constants: no Node imports, so the
 * browser bundle can include it.
 *
 * Flow: the widget gets a visitor token over HTTP (POST {base}/widget/api/session), then
 * connects to the Socket.IO namespace `/widget` with `auth: WidgetAuth`. Every message it
 * sends is acknowledged with the stored id; after any (re)connect it asks for everything
 * after the last id it has (`history:sync`), so reloads, dropped connections and server
 * restarts lose nothing.
 */

export const WIDGET_NAMESPACE = '/widget';
export const WIDGET_API = '/widget/api';
/** localStorage key prefix; the inbox key is appended. */
export const STORAGE_PREFIX = 'omnigate:';
/** Uploads larger than this are refused (bytes). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MAX_WIDGET_TEXT = 2000;

/** `POST /widget/api/session` body. `identifier`/`identifierHash`: optional verified identity of a logged-in user of the host site. */
export interface SessionRequest {
  inbox: string;
  /** An existing token to keep (renewed if valid). */
  token?: string;
  identifier?: string;
  /** hex HMAC-SHA256 of `identifier` with the inbox's identity secret. */
  identifierHash?: string;
  lang?: WidgetLang;
}

export interface SessionResponse {
  token: string;
  visitorId: string;
  inbox: WidgetInboxInfo;
}

export type WidgetLang = 'vi' | 'en';

export type PrechatFieldMode = 'off' | 'optional' | 'required';

export interface WidgetInboxInfo {
  name: string;
  greeting: string | null;
  lang: WidgetLang;
  /** Pre-chat form; shown before the first message when any field is not `off`. */
  prechat: { name: PrechatFieldMode; phone: PrechatFieldMode; email: PrechatFieldMode };
  /** Whether at least one agent of the inbox is online (else the offline form is offered on handoff). */
  agentsOnline: boolean;
}

export interface WidgetAuth {
  inbox: string;
  token: string;
}

/** Content a visitor can send. Uploads are made first over HTTP (POST {base}/widget/api/uploads). */
export type VisitorContent =
  | { type: 'text'; text: string }
  | { type: 'quick_reply'; text: string; payload: string }
  | { type: 'upload'; uploadId: string };

export interface WidgetQuickReply {
  title: string;
  payload: string;
}

export type WidgetContent =
  | { type: 'text'; text: string; quickReplies?: WidgetQuickReply[] }
  | { type: 'quick_reply'; text: string; payload: string }
  | { type: 'image'; url: string; caption?: string }
  | { type: 'file'; url: string; name?: string; size?: number }
  | { type: 'other'; text: string };

export interface WidgetMessage {
  id: number;
  /** The id the widget gave it, for messages the visitor sent. */
  clientId: string | null;
  direction: 'in' | 'out';
  senderType: 'contact' | 'bot' | 'agent' | 'system';
  senderName: string | null;
  content: WidgetContent;
  status: string;
  createdAt: string;
}

export interface WidgetError {
  code: string;
  message: string;
  /** With WIDGET_RATE_LIMITED: seconds until the event is accepted again. */
  retryAfterSeconds?: number;
}

export type Ack<T> = (result: ({ ok: true } & T) | { ok: false; error: WidgetError }) => void;

export interface ClientToServerEvents {
  /** Send a message; `clientId` (a UUID made by the widget) makes a resend after reconnect harmless. */
  'message:send': (payload: { clientId: string; content: VisitorContent }, ack: Ack<{ message: WidgetMessage }>) => void;
  /** Everything after `afterId` (0 = all history), in order. */
  'history:sync': (payload: { afterId: number }, ack: Ack<{ messages: WidgetMessage[] }>) => void;
  typing: (payload: { typing: boolean }) => void;
  /** The visitor has seen everything up to this message id. */
  read: (payload: { lastReadId: number }) => void;
  'prechat:submit': (payload: { name?: string; phone?: string; email?: string }, ack: Ack<object>) => void;
  /** Offline form: contact details and a message when no agent is available. */
  'offline:submit': (payload: { name?: string; phone?: string; email?: string; message: string }, ack: Ack<object>) => void;
}

export interface ServerToClientEvents {
  message: (message: WidgetMessage) => void;
  'message:status': (payload: { id: number; status: string }) => void;
  typing: (payload: { senderType: 'agent' | 'bot'; name: string | null; typing: boolean }) => void;
  /** The agent side has read up to this id. */
  read: (payload: { lastReadId: number }) => void;
  /** The conversation's state as the visitor needs it (e.g. waiting for an agent, none online). */
  status: (payload: { status: 'bot' | 'pending' | 'open' | 'snoozed' | 'resolved'; agentsOnline: boolean }) => void;
}

/** Error codes the server uses for connect errors and acks. */
export const WIDGET_ERRORS = {
  invalidToken: 'WIDGET_INVALID_TOKEN',
  unknownInbox: 'WIDGET_UNKNOWN_INBOX',
  rateLimited: 'WIDGET_RATE_LIMITED',
  invalidMessage: 'WIDGET_INVALID_MESSAGE',
} as const;
