import { io as ioClient, type Socket } from 'socket.io-client';
import { createGateway, type Gateway } from '../../src/server/gateway';
import type { Bot } from '../../src/core/bot';
import type { Store } from '../../src/store/database';
import { createInbox } from '../../src/store/repos/inboxes';
import { sealSecretFields } from '../../src/secrets/secret-fields';
import { createWidgetChannel } from '../../channels/widget';
import type { ClientToServerEvents, ServerToClientEvents, SessionResponse, WidgetMessage } from '../../channels/widget/protocol';
import { testConfig } from '../support/test-config';

export type VisitorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function startWidgetGateway(store: Store, opts: { bot?: Bot; dataDir?: string; port?: number; settings?: Record<string, unknown> } = {}) {
  const gw: Gateway = await createGateway({
    config: testConfig({ DATA_DIR: opts.dataDir ?? '/tmp/omnigate-widget-test', PORT: String(opts.port ?? 0) }),
    store,
    channels: [createWidgetChannel()],
    bot: opts.bot,
  });
  const existing = await gw.directory.findInbox('widget', 'shop');
  if (!existing) await createInbox(gw.db, { channel: 'widget', accountId: 'shop', name: 'Shop', botEnabled: Boolean(opts.bot), settings: sealSecretFields(gw.secrets, opts.settings ?? {}) });
  const url = await gw.listen();
  return { gw, url };
}

export async function newSession(url: string, body: Record<string, unknown> = { inbox: 'shop' }): Promise<{ status: number; json: SessionResponse & { error?: { code: string } } }> {
  const res = await fetch(`${url}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as SessionResponse & { error?: { code: string } } };
}

export function connectVisitor(url: string, token: string, inbox = 'shop'): Promise<VisitorSocket> {
  const socket: VisitorSocket = ioClient(`${url}/widget`, { auth: { inbox, token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** A new visitor session and its connected socket, kept in `sockets` for the caller to close. */
export async function openVisitor(url: string, sockets: VisitorSocket[]): Promise<{ socket: VisitorSocket; token: string; visitorId: string }> {
  const { json } = await newSession(url);
  const socket = await connectVisitor(url, json.token);
  sockets.push(socket);
  return { socket, token: json.token, visitorId: json.visitorId };
}

export function send(socket: VisitorSocket, text: string, clientId: string): Promise<{ ok: boolean; message?: WidgetMessage; error?: { code: string } }> {
  return new Promise((resolve) => socket.emit('message:send', { clientId, content: { type: 'text', text } }, (r) => resolve(r as never)));
}

export function sync(socket: VisitorSocket, afterId = 0): Promise<WidgetMessage[]> {
  return new Promise((resolve, reject) =>
    socket.emit('history:sync', { afterId }, (r) => (r.ok ? resolve(r.messages) : reject(new Error(r.error.message)))),
  );
}

export { waitFor } from '../support/wait';
