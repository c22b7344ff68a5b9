import type { Namespace, Server } from 'socket.io';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { ContactActivity, ChannelAdapter } from '../core/channel';
import type { DomainEvent } from '../core/domain-events';
import type { DomainEventBus } from '../core/event-bus';
import type { AgentView, AuthService } from '../api/auth-service';
import { readCookie, SESSION_COOKIE } from '../api/api-router';
import type { PresenceRegistry } from '../server/presence';
import type { Db } from '../store/unit-of-work';
import { conversationAddress } from '../store/repos/conversations';
import { seesAll } from '../api/access';
import type { ApiRouter } from '../api/api-router';
import { AGENT_NAMESPACE, type AgentClientToServer, type AgentServerToClient } from './agent-protocol';

interface AgentSocketData {
  agent: AgentView;
  /** The session it was opened with (Session.id), checked again when the agent's access changes. */
  sessionId: string;
}

type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, Record<string, never>, AgentSocketData>;

export interface AgentRealtimeDeps {
  io: Server;
  db: Db;
  bus: DomainEventBus<Db>;
  auth: AuthService;
  clock: Clock;
  /** Tells when agents' access changed (ApiRouter.accessChanged). */
  api: Pick<ApiRouter, 'onAccessChanged'>;
  presence: PresenceRegistry;
  channels: ReadonlyMap<string, ChannelAdapter>;
  activity: NodeJS.EventEmitter;
  logger: Logger;
  /** After the last connection of an agent closes: away after this, offline after 10× this. */
  graceMs?: number;
}

/**
 * Rooms: `all` (admins, supervisors), `inbox:<id>` (members), `agent:<id>` (one agent's
 * sockets, for what is addressed to that person). A conversation's events go to `all`
 * and its inbox's room only: exactly who the API lets see it (src/api/access.ts), and an
 * assignee is always one of them (conversation-routes.ts).
 */
const roomsFor = (inboxId: number) => ['all', `inbox:${inboxId}`];
const isAccessRoom = (room: string) => room === 'all' || room.startsWith('inbox:');

/** The rooms that give an agent what it may see, as the database says now. */
async function accessRooms(db: Db, agentId: number): Promise<string[] | null> {
  const agent = await db.selectFrom('agents').select('role').where('id', '=', agentId).executeTakeFirst();
  if (!agent) return null;
  if (seesAll(agent)) return ['all'];
  const inboxes = await db.selectFrom('inbox_members').select('inbox_id').where('agent_id', '=', agentId).execute();
  return inboxes.map((i) => `inbox:${i.inbox_id}`);
}

/**
 * The agents' live view. Every committed domain event is pushed to exactly the agents
 * allowed to see its conversation (through rooms, so it works unchanged across nodes
 * with a Redis adapter); contacts' typing and read state likewise. Presence is kept here.
 */
export function attachAgentRealtime(deps: AgentRealtimeDeps): AgentNamespace {
  const nsp = deps.io.of(AGENT_NAMESPACE) as AgentNamespace;
  const connections = new Map<number, number>();
  const timers = new Map<number, NodeJS.Timeout[]>();
  const grace = deps.graceMs ?? 20_000;

  nsp.use(async (socket, next) => {
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
    const session = token ? await deps.auth.authenticate(token).catch(() => null) : null;
    if (!session) return next(Object.assign(new Error('UNAUTHENTICATED'), { data: { message: 'sign in first' } }));
    socket.data = { agent: session.agent, sessionId: session.id };
    // The session ends while connected: so does the connection (the client signs in again).
    const expiry = setTimeout(() => socket.disconnect(true), Math.min(Math.max(0, session.expiresAt.getTime() - deps.clock.now().getTime()), 2 ** 31 - 1));
    expiry.unref();
    socket.once('disconnect', () => clearTimeout(expiry));
    next();
  });

  // Logout, a new password, a role or membership change, a deleted agent: every live
  // socket of those agents, on any node, is checked again and its rooms follow.
  deps.api.onAccessChanged(async (agentIds) => {
    await Promise.all(agentIds.map((id) => recheck(id).catch((err: unknown) => deps.logger.error({ err, agentId: id }, 'agent access re-check failed'))));
  });
  async function recheck(agentId: number): Promise<void> {
    const sockets = await nsp.in(`agent:${agentId}`).fetchSockets();
    if (sockets.length === 0) return;
    const wanted = await accessRooms(deps.db, agentId);
    for (const socket of sockets) {
      if (!wanted || !(await deps.auth.isLive(socket.data.sessionId))) {
        socket.disconnect(true);
        continue;
      }
      for (const room of socket.rooms) if (isAccessRoom(room) && !wanted.includes(room)) socket.leave(room);
      socket.join(wanted);
    }
  }

  nsp.on('connection', (socket) => {
    const agent = socket.data.agent;
    socket.on('typing', (e) => void agentTyping(deps, agent, e).catch(() => undefined));
    socket.on('presence:set', (e) => {
      if (e?.status === 'online' || e?.status === 'away') setPresence(agent.id, e.status);
    });
    socket.on('disconnect', () => {
      const left = (connections.get(agent.id) ?? 1) - 1;
      connections.set(agent.id, left);
      if (left > 0) return;
      const away = setTimeout(() => setPresence(agent.id, 'away'), grace);
      const offline = setTimeout(() => setPresence(agent.id, 'offline'), grace * 10);
      away.unref();
      offline.unref();
      timers.set(agent.id, [away, offline]);
    });
    void (async () => {
      await socket.join(`agent:${agent.id}`);
      await socket.join((await accessRooms(deps.db, agent.id)) ?? []);
      connections.set(agent.id, (connections.get(agent.id) ?? 0) + 1);
      for (const t of timers.get(agent.id) ?? []) clearTimeout(t);
      timers.delete(agent.id);
      if (deps.presence.get(agent.id) !== 'away' || connections.get(agent.id) === 1) setPresence(agent.id, 'online');
    })().catch((err: unknown) => deps.logger.error({ err }, 'agent socket setup failed'));
  });

  function setPresence(agentId: number, status: 'online' | 'away' | 'offline'): void {
    if (deps.presence.get(agentId) === status) return;
    deps.presence.set(agentId, status);
    nsp.emit('presence', { agentId, status });
  }

  // First of the after-commit listeners: people's screens before any other listener's lookups.
  deps.bus.onCommit((event) => push(nsp, event), undefined, { first: true });
  deps.activity.on('activity', (a: ContactActivity) => void relayActivity(deps, nsp, a).catch(() => undefined));
  return nsp;
}

function push(nsp: AgentNamespace, event: DomainEvent): void {
  const rooms = roomsFor(event.inboxId);
  if (event.type === 'message.received' || event.type === 'message.sent') {
    const m = event.message;
    nsp.to(rooms).emit('message', {
      conversationId: event.conversationId,
      inboxId: event.inboxId,
      message: { id: m.id, direction: m.direction, senderType: m.senderType, senderId: m.senderId, content: m.content, private: m.private, status: m.private ? 'stored' : 'pending', error: null, createdAt: event.at.toISOString() },
    });
    return;
  }
  if (event.type === 'message.status_changed') {
    nsp.to(rooms).emit('message:status', { conversationId: event.conversationId, messageId: event.messageId, status: event.status, error: event.error });
    return;
  }
  const status =
    event.type === 'conversation.status_changed' ? event.to
    : event.type === 'conversation.created' ? event.status
    : event.type === 'conversation.resolved' ? 'resolved'
    : event.type === 'conversation.reopened' ? event.to
    : null;
  nsp.to(rooms).emit('conversation:event', {
    type: event.type,
    conversationId: event.conversationId,
    inboxId: event.inboxId,
    channel: event.channel,
    status,
    assigneeId: event.agentId,
    teamId: event.teamId,
    at: event.at.toISOString(),
  });
  if (event.type === 'conversation.assigned' && event.assigneeId && event.actor.id !== event.assigneeId) {
    nsp.to(`agent:${event.assigneeId}`).emit('notify', { kind: 'assigned', conversationId: event.conversationId, text: `Cuộc trò chuyện #${event.conversationId} được giao cho bạn` });
  }
}

async function relayActivity(deps: AgentRealtimeDeps, nsp: AgentNamespace, a: ContactActivity): Promise<void> {
  const conv = await deps.db.selectFrom('conversations').select('inbox_id').where('id', '=', a.conversationId).executeTakeFirst();
  if (!conv) return;
  const rooms = roomsFor(conv.inbox_id);
  if (a.type === 'typing') nsp.to(rooms).emit('contact:typing', { conversationId: a.conversationId, typing: a.typing });
  else nsp.to(rooms).emit('contact:read', { conversationId: a.conversationId, lastReadId: a.lastReadId });
}

async function agentTyping(deps: AgentRealtimeDeps, agent: AgentView, e: { conversationId: number; typing: boolean }): Promise<void> {
  if (!Number.isSafeInteger(e?.conversationId)) return;
  const found = await conversationAddress(deps.db, e.conversationId);
  if (!found) return;
  // The role and memberships as they are now, not as they were when the socket connected.
  const rooms = await accessRooms(deps.db, agent.id);
  if (!rooms || !roomsFor(found.inboxId).some((r) => rooms.includes(r))) return;
  await deps.channels.get(found.address.channel)?.typing?.(found.address, e.conversationId, Boolean(e.typing), agent.name);
}

