import type { AgentView } from '../api/auth-service';
import { seesAll } from '../api/access';
import type { Db } from '../store/unit-of-work';

export interface TimelineMessage {
  id: number;
  conversationId: number;
  inboxId: number;
  channel: string;
  direction: 'in' | 'out';
  senderType: 'contact' | 'bot' | 'agent' | 'system';
  text: string;
  content: Record<string, unknown>;
  private: boolean;
  status: string;
  sentAt: string;
}

/** Every message of every conversation of the contact, across channels (the inboxes the agent may see), newest first, a page before `before`. */
export async function contactTimeline(db: Db, agent: AgentView, contactId: number, page: { before?: number; limit: number }): Promise<{ messages: TimelineMessage[]; nextBefore: number | null }> {
  let qb = db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
    .select(['m.id', 'm.conversation_id', 'c.inbox_id', 'i.channel', 'm.direction', 'm.sender_type', 'm.text', 'm.content', 'm.private', 'm.status', 'm.sent_at'])
    .where('c.contact_id', '=', contactId)
    .orderBy('m.id', 'desc')
    .limit(page.limit + 1);
  if (page.before !== undefined) qb = qb.where('m.id', '<', page.before);
  if (!seesAll(agent)) qb = qb.where('c.inbox_id', 'in', (eb) => eb.selectFrom('inbox_members').select('inbox_id').where('agent_id', '=', agent.id));
  const rows = await qb.execute();
  const messages = rows.slice(0, page.limit).map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    inboxId: r.inbox_id,
    channel: r.channel,
    direction: r.direction,
    senderType: r.sender_type,
    text: r.text,
    content: r.content,
    private: r.private,
    status: r.status,
    sentAt: r.sent_at.toISOString(),
  }));
  return { messages, nextBefore: rows.length > page.limit ? messages[messages.length - 1]!.id : null };
}
