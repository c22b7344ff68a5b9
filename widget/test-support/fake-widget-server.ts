/**
 * TEST FAKE — not the real server (that is channels/widget/). A minimal stand-in for the
 * widget protocol, just enough to drive the browser client in isolation:
 *   - POST /widget/api/session issues "fake-…" tokens (unknown token → 401 WIDGET_INVALID_TOKEN)
 *   - POST /widget/api/uploads stores the body in memory, served back at /fake-uploads/:id
 *   - the /widget namespace acks `message:send` with a stored message (deduped by
 *     clientId) and has a bot answer "Chào bạn!" with two quick replies
 *     (except that the text "FAIL_ONCE" is refused once per clientId)
 *   - serves widget/dist (built bundles) and widget/demo, plus /test-page for variants.
 * Knobs let a test push agent messages, typing/read events, go offline or refuse tokens.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { Server } from 'socket.io';
import {
  WIDGET_API,
  WIDGET_ERRORS,
  WIDGET_NAMESPACE,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type VisitorContent,
  type WidgetContent,
  type WidgetInboxInfo,
  type WidgetMessage,
} from '../../channels/widget/protocol';

export const FAKE_QUICK_REPLIES = [
  { title: 'Giờ mở cửa', payload: 'HOURS' },
  { title: 'Gặp nhân viên', payload: 'AGENT' },
];

const DEFAULT_INBOX: WidgetInboxInfo = {
  name: 'Điện máy An Phát',
  greeting: 'Xin chào! Điện máy An Phát có thể giúp gì cho bạn?',
  lang: 'vi',
  prechat: { name: 'off', phone: 'off', email: 'off' },
  agentsOnline: true,
};

/** Inboxes of the fake: `demo` plus two that exercise the forms. */
const INBOXES: Record<string, WidgetInboxInfo> = {
  demo: DEFAULT_INBOX,
  prechat: { ...DEFAULT_INBOX, prechat: { name: 'required', phone: 'optional', email: 'off' } },
  offline: { ...DEFAULT_INBOX, agentsOnline: false },
  english: { ...DEFAULT_INBOX, lang: 'en', greeting: 'Hello! How can we help?' },
};

interface Visitor {
  id: string;
  inbox: string;
  messages: WidgetMessage[];
}

export interface FakeWidgetServer {
  url: string;
  /** Every `message:send` payload, in arrival order (resends included). */
  sent: { visitorId: string; clientId: string; content: VisitorContent }[];
  typing: boolean[];
  reads: number[];
  prechats: Record<string, string | undefined>[];
  offlines: Record<string, string | undefined>[];
  sessions: number;
  /** An agent message to every visitor (stored and pushed live). */
  agentSays(text: string): void;
  agentTyping(typing: boolean): void;
  agentRead(): void;
  /** Drop every socket and refuse new ones (`FAKE_OFFLINE`) until set back. */
  setOffline(offline: boolean): void;
  /** The next socket handshake is refused with WIDGET_INVALID_TOKEN. */
  refuseNextHandshake(): void;
  close(): Promise<void>;
}

export async function startFakeWidgetServer(dirs: { dist: string; demo: string }): Promise<FakeWidgetServer> {
  const tokens = new Map<string, Visitor>();
  const visitors = new Map<string, Visitor>();
  const uploads = new Map<string, { type: string; name: string; body: Buffer }>();
  let nextId = 1;
  let offline = false;
  let refuseNext = false;
  const failedOnce = new Set<string>();

  const app = express();
  const server = http.createServer(app);
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(server);
  const nsp = io.of(WIDGET_NAMESPACE);

  const store = (visitor: Visitor, fields: Pick<WidgetMessage, 'direction' | 'senderType' | 'senderName' | 'content'> & { clientId?: string | null }): WidgetMessage => {
    const message: WidgetMessage = { id: nextId++, clientId: null, status: 'sent', createdAt: new Date().toISOString(), ...fields };
    visitor.messages.push(message);
    return message;
  };

  const fake: FakeWidgetServer = {
    url: '',
    sent: [],
    typing: [],
    reads: [],
    prechats: [],
    offlines: [],
    sessions: 0,
    agentSays(text) {
      for (const v of visitors.values()) nsp.to(v.id).emit('message', store(v, { direction: 'out', senderType: 'agent', senderName: 'Nguyễn Thu Hà', content: { type: 'text', text } }));
    },
    agentTyping(typing) {
      nsp.emit('typing', { senderType: 'agent', name: 'Nguyễn Thu Hà', typing });
    },
    agentRead() {
      nsp.emit('read', { lastReadId: nextId - 1 });
    },
    setOffline(value) {
      offline = value;
      if (value) nsp.disconnectSockets(true);
    },
    refuseNextHandshake() {
      refuseNext = true;
      nsp.disconnectSockets(true);
    },
    close: () =>
      new Promise((resolve) => {
        void io.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  // ── HTTP ──────────────────────────────────────────────────────────────────────────
  app.post(`${WIDGET_API}/session`, express.json(), (req, res) => {
    const { inbox, token, lang } = req.body as { inbox?: string; token?: string; lang?: 'vi' | 'en' };
    const info = inbox ? INBOXES[inbox] : undefined;
    if (!inbox || !info) return void res.status(404).json({ error: { code: WIDGET_ERRORS.unknownInbox, message: 'no such inbox' } });
    let visitor: Visitor | undefined;
    if (token) {
      visitor = tokens.get(token);
      if (!visitor || visitor.inbox !== inbox) return void res.status(401).json({ error: { code: WIDGET_ERRORS.invalidToken, message: 'bad token' } });
    }
    if (!visitor) {
      visitor = { id: `v${visitors.size + 1}-${randomUUID().slice(0, 8)}`, inbox, messages: [] };
      visitors.set(visitor.id, visitor);
    }
    fake.sessions++;
    const issued = `fake-${randomUUID()}`;
    tokens.set(issued, visitor);
    res.json({ token: issued, visitorId: visitor.id, inbox: { ...info, lang: lang ?? info.lang } });
  });

  app.post(`${WIDGET_API}/uploads`, express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    const token = (req.get('authorization') ?? '').replace(/^Bearer /, '');
    if (!tokens.has(token)) return void res.status(401).json({ error: { code: WIDGET_ERRORS.invalidToken, message: 'bad token' } });
    const id = randomUUID();
    uploads.set(id, { type: req.get('content-type') ?? 'application/octet-stream', name: decodeURIComponent(req.get('x-filename') ?? 'file'), body: req.body as Buffer });
    res.status(201).json({ uploadId: id, url: `${fake.url}/fake-uploads/${id}` });
  });

  app.get('/fake-uploads/:id', (req, res) => {
    const file = uploads.get(req.params.id);
    if (!file) return void res.sendStatus(404);
    res.type(file.type).send(file.body);
  });

  /** /test-page?inbox=…&lang=…&htmllang=…&position=… — the widget on a bare page with chosen attributes. */
  app.get('/test-page', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const attr = (name: string, value: string | undefined) => (value ? ` ${name}="${value.replace(/[^\w-]/g, '')}"` : '');
    res.type('html').send(
      `<!doctype html><html${attr('lang', q.htmllang)}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>test</title></head>` +
        `<body><h1>Test page</h1><script src="/widget.js"${attr('data-inbox', q.inbox ?? 'demo')}${attr('data-lang', q.lang)}${attr('data-position', q.position)} async></script></body></html>`,
    );
  });

  app.use(express.static(dirs.dist));
  app.get('/', (_req, res) => res.sendFile(path.join(dirs.demo, 'index.html')));
  app.get('/hostile.html', (_req, res) => res.sendFile(path.join(dirs.demo, 'hostile.html')));

  // ── Socket.IO ─────────────────────────────────────────────────────────────────────
  nsp.use((socket, next) => {
    const { token } = socket.handshake.auth as { token?: string };
    if (offline) return next(new Error('FAKE_OFFLINE'));
    if (refuseNext) {
      refuseNext = false;
      return next(new Error(WIDGET_ERRORS.invalidToken));
    }
    const visitor = token ? tokens.get(token) : undefined;
    if (!visitor) return next(new Error(WIDGET_ERRORS.invalidToken));
    socket.data = visitor;
    next();
  });

  nsp.on('connection', (socket) => {
    const visitor = socket.data as Visitor;
    void socket.join(visitor.id);

    socket.on('message:send', ({ clientId, content }, ack) => {
      fake.sent.push({ visitorId: visitor.id, clientId, content });
      // "FAIL_ONCE" is refused the first time, to exercise the failed state and its retry button.
      if (content.type === 'text' && content.text === 'FAIL_ONCE' && !failedOnce.has(clientId)) {
        failedOnce.add(clientId);
        return ack({ ok: false, error: { code: WIDGET_ERRORS.rateLimited, message: 'slow down' } });
      }
      const known = visitor.messages.find((m) => m.clientId === clientId);
      if (known) return ack({ ok: true, message: known });
      const stored = store(visitor, { clientId, direction: 'in', senderType: 'contact', senderName: null, content: toWidgetContent(content) });
      ack({ ok: true, message: stored });
      setTimeout(() => {
        const text = content.type === 'quick_reply' ? `Bạn đã chọn: ${content.text}` : 'Chào bạn!';
        const quickReplies = content.type === 'text' ? FAKE_QUICK_REPLIES : undefined;
        nsp.to(visitor.id).emit('message', store(visitor, { direction: 'out', senderType: 'bot', senderName: 'Trợ lý An Phát', content: { type: 'text', text, ...(quickReplies ? { quickReplies } : {}) } }));
        if (visitor.inbox === 'offline') nsp.to(visitor.id).emit('status', { status: 'pending', agentsOnline: false });
      }, 50);
    });

    socket.on('history:sync', ({ afterId }, ack) => ack({ ok: true, messages: visitor.messages.filter((m) => m.id > afterId) }));
    socket.on('typing', ({ typing }) => void fake.typing.push(typing));
    socket.on('read', ({ lastReadId }) => void fake.reads.push(lastReadId));
    socket.on('prechat:submit', (values, ack) => {
      fake.prechats.push(values);
      ack({ ok: true });
    });
    socket.on('offline:submit', (values, ack) => {
      fake.offlines.push(values);
      ack({ ok: true });
    });
  });

  function toWidgetContent(content: VisitorContent): WidgetContent {
    if (content.type !== 'upload') return content;
    const file = uploads.get(content.uploadId);
    const url = `${fake.url}/fake-uploads/${content.uploadId}`;
    return file?.type.startsWith('image/') ? { type: 'image', url } : { type: 'file', url, name: file?.name ?? 'file', size: file?.body.length ?? 0 };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
