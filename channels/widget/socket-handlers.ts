import { randomUUID } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import type { ChannelAddress, ChannelHost } from '../../src/core/channel';
import { isGatewayError } from '../../src/core/errors';
import { storableText, type ContactProfile, type MessageContent } from '../../src/core/message';
import type { RateLimitName } from '../../src/core/rate-limits';
import { UPLOAD_SCHEME } from '../../src/uploads/upload-store';
import { verifyToken } from './visitor-token';
import { embedVerdict } from './inbox-settings';
import { ownerOf } from './http-routes';
import { toWidgetMessage } from './to-widget-message';
import { MAX_WIDGET_TEXT, WIDGET_ERRORS, type Ack, type ClientToServerEvents, type ServerToClientEvents, type WidgetError } from './protocol';

export interface VisitorData {
  inboxKey: string;
  inboxId: number;
  visitorId: string;
  profile: ContactProfile | undefined;
}

export type WidgetSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, VisitorData>;
export type WidgetNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, VisitorData>;

export const visitorRoom = (inboxKey: string, visitorId: string) => `visitor:${inboxKey}:${visitorId}`;
export const conversationRoom = (conversationId: number) => `conv:${conversationId}`;

const text = z.string().trim().min(1).max(MAX_WIDGET_TEXT);
const sendSchema = z.object({
  clientId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  content: z.discriminatedUnion('type', [
    z.object({ type: z.literal('text'), text }),
    z.object({ type: z.literal('quick_reply'), text, payload: z.string().min(1).max(1000) }),
    z.object({ type: z.literal('upload'), uploadId: z.string().uuid() }),
  ]),
});
const profileSchema = z.object({
  // NUL and lone surrogates cannot be stored in PostgreSQL text: cleaned like message text.
  name: z.string().overwrite(storableText).trim().min(1).max(120).optional(),
  phone: z.string().trim().regex(/^\+?[0-9 .()-]{8,20}$/, 'invalid phone number').optional(),
  email: z.string().trim().email().max(200).optional(),
});
const offlineSchema = profileSchema.extend({ message: text });

/**
 * The `/widget` namespace: authenticates visitors by token in middleware (a forged or
 * expired token never connects), then turns their events into core ingests and serves
 * their history. Each visitor's sockets share a room; each conversation has one.
 */
export function attachWidgetSockets(nsp: WidgetNamespace, host: ChannelHost, tokenSecret: Buffer): void {
  /** Counts the event on every limit given; over any, the ack error with the longest wait. */
  const overLimit = async (checks: readonly [RateLimitName, string][], message: string): Promise<WidgetError | null> => {
    let wait = 0;
    for (const [name, key] of checks) wait = Math.max(wait, await host.rateLimits.get(name).hit(key));
    return wait > 0 ? { code: WIDGET_ERRORS.rateLimited, message, retryAfterSeconds: wait } : null;
  };

  nsp.use(async (socket, next) => {
    const auth = socket.handshake.auth as { inbox?: unknown; token?: unknown };
    const inboxKey = typeof auth.inbox === 'string' ? auth.inbox : '';
    const claims = verifyToken(tokenSecret, auth.token, inboxKey);
    if (!claims) return next(withData(new Error(WIDGET_ERRORS.invalidToken), 'visitor token is invalid or expired; start a new session'));
    const inbox = await host.directory.findInbox('widget', inboxKey).catch(() => null);
    if (!inbox) return next(withData(new Error(WIDGET_ERRORS.unknownInbox), 'no such inbox'));
    // Browsers always send Origin on a WebSocket or cross-origin polling handshake: the inbox's sites only.
    const verdict = embedVerdict(inbox.settings, socket.handshake.headers.origin);
    if (!verdict.ok) return next(withData(new Error(verdict.code), verdict.message));
    socket.data = { inboxKey, inboxId: inbox.id, visitorId: claims.v, profile: undefined };
    next();
  });

  nsp.on('connection', (socket) => {
    const { inboxKey, visitorId } = socket.data;
    // Per-IP limits see the visitor's address (TRUST_PROXY), not the load balancer's.
    const ip = host.rateLimits.clientIp(socket.request);
    const visitorKey = `${inboxKey}:${visitorId}`;
    const address: ChannelAddress = { channel: 'widget', accountId: inboxKey, externalUserId: visitorId };
    // Handlers are registered before any await: events sent right after connect must not be lost.
    void socket.join(visitorRoom(inboxKey, visitorId));
    void joinCurrentConversation(socket, host, address);

    socket.on('message:send', async (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = sendSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: invalid(parsed.error.issues[0]?.message) });
      const limited = await overLimit([['widget_message_visitor', visitorKey], ['widget_message_ip', ip]], 'too many messages; slow down');
      if (limited) return reply({ ok: false, error: limited });
      try {
        const content = await toCoreContent(parsed.data.content, host, ownerOf(inboxKey, visitorId));
        const externalId = `${visitorId}:${parsed.data.clientId}`;
        const result = await host.ingest({ kind: 'message', channel: 'widget', accountId: inboxKey, externalUserId: visitorId, externalId, sentAt: new Date(), content, profile: socket.data.profile });
        if (result.conversationId) await socket.join(conversationRoom(result.conversationId));
        // A retry stored nothing: the visitor gets the message stored the first time.
        const stored = result.message ?? (await host.directory.contactMessage(address, externalId));
        if (!stored) return reply({ ok: false, error: { code: 'WIDGET_NOT_STORED', message: 'message was not stored' } });
        const message = toWidgetMessage(stored, host.uploads, host.publicUrl());
        if (result.stored) socket.to(visitorRoom(inboxKey, visitorId)).emit('message', message);
        reply({ ok: true, message });
      } catch (err) {
        reply({ ok: false, error: toWidgetError(err) });
      }
    });

    socket.on('history:sync', async (payload, ack) => {
      const reply = safeAck(ack);
      const afterId = Number((payload as { afterId?: unknown })?.afterId ?? 0);
      if (!Number.isSafeInteger(afterId) || afterId < 0) return reply({ ok: false, error: invalid('afterId must be a non-negative integer') });
      try {
        const views = await host.directory.contactHistory(address, afterId);
        reply({ ok: true, messages: views.map((v) => toWidgetMessage(v, host.uploads, host.publicUrl())) });
      } catch (err) {
        reply({ ok: false, error: toWidgetError(err) });
      }
    });

    socket.on('typing', async (payload) => {
      const conv = await host.directory.currentConversation(address).catch(() => null);
      if (conv) host.activity({ type: 'typing', conversationId: conv.id, typing: Boolean((payload as { typing?: unknown })?.typing) });
    });

    socket.on('read', async (payload) => {
      const lastReadId = Number((payload as { lastReadId?: unknown })?.lastReadId);
      const conv = await host.directory.currentConversation(address).catch(() => null);
      if (conv && Number.isSafeInteger(lastReadId) && lastReadId > 0) host.activity({ type: 'read', conversationId: conv.id, lastReadId });
    });

    socket.on('prechat:submit', async (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = profileSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: invalid(parsed.error.issues[0]?.message) });
      socket.data.profile = { ...socket.data.profile, ...parsed.data };
      await host.directory.updateContactProfile(address, parsed.data).catch(() => false);
      reply({ ok: true });
    });

    socket.on('offline:submit', async (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = offlineSchema.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: invalid(parsed.error.issues[0]?.message) });
      const limited = await overLimit([['widget_offline_visitor', visitorKey], ['widget_message_ip', ip]], 'too many offline messages; try again later');
      if (limited) return reply({ ok: false, error: limited });
      const { message, ...profile } = parsed.data;
      socket.data.profile = { ...socket.data.profile, ...profile };
      try {
        await host.directory.updateContactProfile(address, profile);
        const contact = [profile.name, profile.phone, profile.email].filter(Boolean).join(' · ');
        await host.ingest({
          kind: 'message',
          channel: 'widget',
          accountId: inboxKey,
          externalUserId: visitorId,
          externalId: `${visitorId}:offline-${randomUUID()}`,
          sentAt: new Date(),
          content: { type: 'text', text: contact ? `${message}\n(${contact})` : message },
          profile: socket.data.profile,
        });
        reply({ ok: true });
      } catch (err) {
        reply({ ok: false, error: toWidgetError(err) });
      }
    });
  });
}

async function joinCurrentConversation(socket: WidgetSocket, host: ChannelHost, address: ChannelAddress): Promise<void> {
  try {
    const current = await host.directory.currentConversation(address);
    if (!current) return;
    await socket.join(conversationRoom(current.id));
    socket.emit('status', { status: current.status as 'bot', agentsOnline: await host.directory.agentsOnline(socket.data.inboxId) });
  } catch {
    // the visitor still gets everything through history:sync
  }
}

async function toCoreContent(content: z.infer<typeof sendSchema>['content'], host: ChannelHost, owner: string): Promise<MessageContent> {
  if (content.type !== 'upload') return content;
  const found = await host.uploads.get(content.uploadId);
  if (!found || found.meta.owner !== owner) throw Object.assign(new Error('no such upload'), { widgetCode: WIDGET_ERRORS.invalidMessage });
  const url = `${UPLOAD_SCHEME}${found.meta.id}`;
  return found.meta.inline ? { type: 'image', url } : { type: 'file', url, name: found.meta.name, size: found.meta.size, mimeType: found.meta.mime };
}

/** A client may omit the ack callback; never call a non-function. */
function safeAck<T>(ack: Ack<T> | undefined): Ack<T> {
  return typeof ack === 'function' ? ack : () => undefined;
}

function invalid(message = 'invalid payload'): WidgetError {
  return { code: WIDGET_ERRORS.invalidMessage, message };
}

function toWidgetError(err: unknown): WidgetError {
  if (isGatewayError(err)) return { code: err.code, message: err.message };
  const code = (err as { widgetCode?: string }).widgetCode;
  return code ? { code, message: (err as Error).message } : { code: 'WIDGET_INTERNAL', message: 'something went wrong; try again' };
}

function withData(err: Error, message: string): Error {
  return Object.assign(err, { data: { code: err.message, message } });
}
