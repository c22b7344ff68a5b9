import type { Namespace, Server } from 'socket.io';
import type { Logger } from 'pino';
import type { ContactActivity, ChannelAdapter } from '../core/channel';
import type { DomainEvent } from '../core/domain-events';
import type { DomainEventBus } from '../core/event-bus';
import type { AgentView, AuthService } from '../api/auth-service';
import { SESSION_COOKIE } from '../api/api-router';
import type { PresenceRegistry } from '../server/presence';
import type { Db } from '../store/unit-of-work';
import { conversationAddress } from '../store/repos/conversations';
import { AGENT_NAMESPACE, type AgentClientToServer, type AgentServerToClient } from './agent-protocol';

interface AgentSocketData {
  agent: AgentView;
}

type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, Record<string, never>, AgentSocketData>;

export interface AgentRealtimeDeps {
  io: Server;
  db: Db;
  bus: DomainEventBus<Db>;
  auth: AuthService;
  presence: PresenceRegistry;
  channels: ReadonlyMap<string, ChannelAdapter>;
  activity: NodeJS.EventEmitter;
  logger: Logger;
  /** After the last connection of an agent closes: away after this, offline after 10× this. */
  graceMs?: number;
}

/** Rooms: `all` (admins, supervisors), `inbox:<id>` (members), `agent:<id>` (one agent's sockets). */
const roomsFor = (inboxId: number, assigneeId: number | null) => ['all', `inbox:${inboxId}`, ...(assigneeId ? [`agent:${assigneeId}`] : [])];

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
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : cookieToken(socket.handshake.headers.cookie);
    const session = token ? await deps.auth.authenticate(token).catch(() => null) : null;
    if (!session) return next(Object.assign(new Error('UNAUTHENTICATED'), { data: { message: 'sign in first' } }));
    socket.data = { agent: session.agent };
    next();
  });

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
      if (agent.role === 'admin' || agent.role === 'supervisor') await socket.join('all');
      else {
        const inboxes = await deps.db.selectFrom('inbox_members').select('inbox_id').where('agent_id', '=', agent.id).execute();
        await socket.join(inboxes.map((i) => `inbox:${i.inbox_id}`));
      }
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

  deps.bus.onCommit((event) => push(nsp, event));
  deps.activity.on('activity', (a: ContactActivity) => void relayActivity(deps, nsp, a).catch(() => undefined));
  return nsp;
}

function push(nsp: AgentNamespace, event: DomainEvent): void {
  const rooms = roomsFor(event.inboxId, event.agentId);
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
  const conv = await deps.db.selectFrom('conversations').select(['inbox_id', 'assignee_id']).where('id', '=', a.conversationId).executeTakeFirst();
  if (!conv) return;
  const rooms = roomsFor(conv.inbox_id, conv.assignee_id);
  if (a.type === 'typing') nsp.to(rooms).emit('contact:typing', { conversationId: a.conversationId, typing: a.typing });
  else nsp.to(rooms).emit('contact:read', { conversationId: a.conversationId, lastReadId: a.lastReadId });
}

async function agentTyping(deps: AgentRealtimeDeps, agent: AgentView, e: { conversationId: number; typing: boolean }): Promise<void> {
  if (!Number.isSafeInteger(e?.conversationId)) return;
  const found = await conversationAddress(deps.db, e.conversationId);
  if (!found) return;
  if (agent.role === 'agent') {
    const member = await deps.db.selectFrom('inbox_members').select('agent_id').where('inbox_id', '=', found.inboxId).where('agent_id', '=', agent.id).executeTakeFirst();
    if (!member) return;
  }
  await deps.channels.get(found.address.channel)?.typing?.(found.address, e.conversationId, Boolean(e.typing), agent.name);
}

function cookieToken(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}
