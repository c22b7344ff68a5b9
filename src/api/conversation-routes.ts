import express, { type Router } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { rowId, rowIdParam } from './row-id';
import { CONVERSATION_STATUSES } from '../core/conversation-state';
import { GatewayError } from '../core/errors';
import { MAX_TEXT_LENGTH } from '../core/message';
import type { ChannelAdapter, ReplyWindow } from '../core/channel';
import type { ConversationActions } from '../pipeline/conversation-actions';
import type { OutboundMessages } from '../pipeline/outbound';
import type { Db } from '../store/unit-of-work';
import type { ConversationRow, MessageRow } from '../store/schema';
import type { AgentView } from './auth-service';
import { parse, type ApiRouter } from './api-router';
import { loadVisibleConversation, seesAll } from './access';
import { conversationAddress } from '../store/repos/conversations';
import { UPLOAD_SCHEME, uploadIdOf, type UploadStore } from '../uploads/upload-store';
import { surveyJson, surveysOf } from '../surveys/survey-store';
import { decodePercent } from '../core/percent-decoding';

const listQuery = z.object({
  status: z.enum([...CONVERSATION_STATUSES, 'all']).default('all'),
  inbox: rowIdParam.optional(),
  team: rowIdParam.optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), rowIdParam]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const idParam = z.object({ id: rowIdParam });
const retryParams = z.object({ id: rowIdParam, messageId: rowIdParam });
const postMessage = z.object({ text: z.string().trim().min(1).max(MAX_TEXT_LENGTH), private: z.boolean().optional() });
const assignBody = z
  .object({ agentId: rowId.nullable().optional(), teamId: rowId.nullable().optional(), note: z.string().max(1000).optional() })
  .refine((b) => b.agentId !== undefined || b.teamId !== undefined, 'give agentId and/or teamId');
const snoozeBody = z.object({ until: z.coerce.date() });
const readBody = z.object({ lastReadId: z.number().int().nonnegative() });

export interface ConversationRouteDeps {
  db: Db;
  actions: ConversationActions;
  outbound: OutboundMessages;
  api: ApiRouter;
  uploads: UploadStore;
  publicUrl: () => string;
  channels: ReadonlyMap<string, ChannelAdapter>;
}

/** /api/v1/conversations: the inbox's list, one conversation, its messages, and every action on it. */
export function conversationRoutes(deps: ConversationRouteDeps): Router {
  const { db, actions, outbound, api, uploads } = deps;
  /** Attachments are shown to agents through signed, expiring links. */
  const messageJson = (m: MessageRow) => withSignedLinks(toMessageJson(m), uploads, deps.publicUrl());
  const r = express.Router();
  const auth = api.requireAgent();

  r.get('/conversations', auth, async (req, res) => {
    const q = parse(listQuery, req.query);
    const agent = req.session!.agent;
    let qb = db
      .selectFrom('conversations as c')
      .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
      .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
      .select(['c.id', 'c.inbox_id', 'i.channel', 'c.status', 'c.contact_id', 'ct.name as contact_name', 'c.assignee_id', 'c.team_id', 'c.last_message_at', 'c.created_at'])
      .select((eb) =>
        eb
          .selectFrom('messages as m')
          .select(sql<number>`count(*)`.as('n'))
          .whereRef('m.conversation_id', '=', 'c.id')
          .where('m.direction', '=', 'in')
          .whereRef('m.id', '>', 'c.agent_last_read_id')
          .as('unread'),
      );
    if (!seesAll(agent)) qb = qb.where('c.inbox_id', 'in', (eb) => eb.selectFrom('inbox_members').select('inbox_id').where('agent_id', '=', agent.id));
    if (q.status !== 'all') qb = qb.where('c.status', '=', q.status);
    if (q.inbox) qb = qb.where('c.inbox_id', '=', q.inbox);
    if (q.team) qb = qb.where('c.team_id', '=', q.team);
    if (q.assignee === 'me') qb = qb.where('c.assignee_id', '=', agent.id);
    else if (q.assignee === 'none') qb = qb.where('c.assignee_id', 'is', null);
    else if (typeof q.assignee === 'number') qb = qb.where('c.assignee_id', '=', q.assignee);
    const rows = await qb.orderBy(sql`coalesce(c.last_message_at, c.created_at)`, 'desc').limit(q.limit).execute();
    res.json({
      items: rows.map((c) => ({
        id: c.id,
        inboxId: c.inbox_id,
        channel: c.channel,
        status: c.status,
        contact: { id: c.contact_id, name: c.contact_name },
        assigneeId: c.assignee_id,
        teamId: c.team_id,
        lastMessageAt: c.last_message_at?.toISOString() ?? null,
        unread: Number(c.unread ?? 0),
      })),
    });
  });

  r.get('/conversations/:id', auth, async (req, res) => {
    const conv = await loadVisibleConversation(db, req.session!.agent, parse(idParam, req.params).id);
    res.json({ ...(await conversationDetail(db, conv)), replyWindow: await replyWindowOf(conv), surveys: (await surveysOf(db, conv.id)).map(surveyJson) });
  });

  /** The channel's messaging window for an agent reply now (shown on the composer). */
  async function replyWindowOf(conv: ConversationRow): Promise<(Omit<ReplyWindow, 'closesAt'> & { closesAt: string | null }) | null> {
    const found = await conversationAddress(db, conv.id);
    const channel = found ? deps.channels.get(found.address.channel) : undefined;
    if (!found || !channel?.replyWindow) return null;
    const w = await channel.replyWindow(found.address, conv.last_inbound_at, new Date());
    return { ...w, closesAt: w.closesAt?.toISOString() ?? null };
  }

  r.get('/conversations/:id/messages', auth, async (req, res) => {
    const conv = await loadVisibleConversation(db, req.session!.agent, parse(idParam, req.params).id);
    const rows = await db.selectFrom('messages').selectAll().where('conversation_id', '=', conv.id).orderBy('id').limit(1000).execute();
    res.json({ items: rows.map(messageJson) });
  });

  r.post('/conversations/:id/messages', auth, async (req, res) => {
    const agent = req.session!.agent;
    const conv = await loadVisibleConversation(db, agent, parse(idParam, req.params).id);
    const body = parse(postMessage, req.body);
    const row = await outbound.post(conv.id, { content: { type: 'text', text: body.text }, sender: { type: 'agent', id: agent.id }, private: body.private });
    res.status(201).json(messageJson(row));
  });

  // A failed message, or an unknown one whose echo never came, sent again by an agent.
  r.post('/conversations/:id/messages/:messageId/retry', auth, async (req, res) => {
    const agent = req.session!.agent;
    const { id, messageId } = parse(retryParams, req.params);
    const conv = await loadVisibleConversation(db, agent, id);
    const row = await outbound.resend(conv.id, messageId, { type: 'agent', id: agent.id });
    res.status(202).json(messageJson(row));
  });

  r.post('/conversations/:id/attachments', auth, express.raw({ type: () => true, limit: uploads.maxBytes }), async (req, res) => {
    const agent = req.session!.agent;
    const conv = await loadVisibleConversation(db, agent, parse(idParam, req.params).id);
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = req.get('x-filename') ?? 'file';
    const name = decodePercent(header) ?? header; // the store cleans whatever name it is given
    const stored = await uploads.save(data, name, `agent:${agent.id}`);
    const url = `${UPLOAD_SCHEME}${stored.id}`;
    const content = stored.inline ? { type: 'image' as const, url } : { type: 'file' as const, url, name: stored.name, size: stored.size, mimeType: stored.mime };
    const row = await outbound.post(conv.id, { content, sender: { type: 'agent', id: agent.id } });
    res.status(201).json(messageJson(row));
  });

  r.post('/conversations/:id/assign', auth, async (req, res) => {
    const agent = req.session!.agent;
    const conv = await loadVisibleConversation(db, agent, parse(idParam, req.params).id);
    const body = parse(assignBody, req.body);
    if (body.agentId) await assertCanBeAssigned(db, body.agentId, conv.inbox_id);
    if (body.teamId) await assertTeamExists(db, body.teamId);
    const updated = await actions.assign(conv.id, { agentId: body.agentId, teamId: body.teamId, note: body.note ?? null }, { type: 'agent', id: agent.id });
    res.json(await conversationDetail(db, updated));
  });

  const simple = (path: string, run: (id: number, agent: AgentView, body: unknown) => Promise<ConversationRow>) =>
    r.post(`/conversations/:id/${path}`, auth, async (req, res) => {
      const agent = req.session!.agent;
      const conv = await loadVisibleConversation(db, agent, parse(idParam, req.params).id);
      res.json(await conversationDetail(db, await run(conv.id, agent, req.body)));
    });
  simple('resolve', (id, agent) => actions.resolve(id, { type: 'agent', id: agent.id }, 'agent'));
  simple('reopen', (id, agent) => actions.reopen(id, { type: 'agent', id: agent.id }));
  simple('snooze', (id, agent, body) => {
    const { until } = parse(snoozeBody, body);
    if (until.getTime() <= Date.now()) throw new GatewayError('GW_ERR_VALIDATION', 'until must be in the future');
    return actions.snooze(id, until, { type: 'agent', id: agent.id });
  });

  r.post('/conversations/:id/read', auth, async (req, res) => {
    const conv = await loadVisibleConversation(db, req.session!.agent, parse(idParam, req.params).id);
    const { lastReadId } = parse(readBody, req.body);
    await db.updateTable('conversations').set({ agent_last_read_id: sql`greatest(agent_last_read_id, ${lastReadId})` }).where('id', '=', conv.id).execute();
    res.status(204).end();
  });

  return r;
}

async function conversationDetail(db: Db, conv: ConversationRow) {
  const inbox = await db.selectFrom('inboxes').select(['channel', 'name', 'connection_error']).where('id', '=', conv.inbox_id).executeTakeFirstOrThrow();
  const contact = await db.selectFrom('contacts').select(['id', 'name', 'phone', 'email', 'avatar_url']).where('id', '=', conv.contact_id).executeTakeFirstOrThrow();
  return {
    id: conv.id,
    inboxId: conv.inbox_id,
    inboxName: inbox.name,
    channel: inbox.channel,
    /** Why the inbox's channel account cannot send right now (reconnect needed); null when fine. */
    connectionProblem: inbox.connection_error,
    status: conv.status,
    contact: { id: contact.id, name: contact.name, phone: contact.phone, email: contact.email, avatarUrl: contact.avatar_url },
    assigneeId: conv.assignee_id,
    teamId: conv.team_id,
    createdAt: conv.created_at.toISOString(),
    lastMessageAt: conv.last_message_at?.toISOString() ?? null,
    lastInboundAt: conv.last_inbound_at?.toISOString() ?? null,
    snoozedUntil: conv.snoozed_until?.toISOString() ?? null,
    reopenCount: conv.reopen_count,
  };
}

export function toMessageJson(m: MessageRow) {
  return {
    id: m.id,
    direction: m.direction,
    senderType: m.sender_type,
    senderId: m.sender_id,
    content: m.content,
    private: m.private,
    status: m.status,
    error: m.error,
    createdAt: m.created_at.toISOString(),
  };
}

/**
 * Only someone who may see the conversation can hold it: a member of its inbox, or an
 * admin or supervisor (who see every inbox). Otherwise assignment would hand the
 * conversation to an agent the API hides it from.
 */
async function assertCanBeAssigned(db: Db, agentId: number, inboxId: number): Promise<void> {
  const agent = await db.selectFrom('agents').select(['id', 'role']).where('id', '=', agentId).executeTakeFirst();
  if (!agent) throw new GatewayError('GW_ERR_VALIDATION', `no agent ${agentId}`);
  if (seesAll(agent)) return;
  const member = await db.selectFrom('inbox_members').select('agent_id').where('inbox_id', '=', inboxId).where('agent_id', '=', agentId).executeTakeFirst();
  if (!member) throw new GatewayError('GW_ERR_VALIDATION', `agent ${agentId} is not a member of this conversation's inbox`);
}

async function assertTeamExists(db: Db, id: number): Promise<void> {
  if (!(await db.selectFrom('teams').select('id').where('id', '=', id).executeTakeFirst())) throw new GatewayError('GW_ERR_VALIDATION', `no team ${id}`);
}

/** Replace `upload://` references with links the agent's browser can open. */
function withSignedLinks<T extends { content: unknown }>(json: T, uploads: UploadStore, base: string): T {
  const c = json.content as { url?: unknown };
  const id = typeof c?.url === 'string' ? uploadIdOf(c.url) : null;
  return id ? { ...json, content: { ...c, url: uploads.signedUrl(base, id) } } : json;
}
