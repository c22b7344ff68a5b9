import type { ChannelAddress } from '../core/channel';
import type { ContactProfile, MessageContent } from '../core/message';
import type { Db } from '../store/unit-of-work';
import type { MessageRow } from '../store/schema';
import { findInboxByAccount } from '../store/repos/inboxes';
import { findContactByIdentity } from '../store/repos/contacts';
import { profilePatch } from '../contacts/profile-update';
import type { SecretBox } from '../secrets/secret-box';
import { openSecretFields } from '../secrets/secret-fields';

export interface InboxView {
  id: number;
  name: string;
  botEnabled: boolean;
  settings: Record<string, unknown>;
}

export interface MessageView {
  id: number;
  conversationId: number;
  direction: 'in' | 'out';
  senderType: 'contact' | 'bot' | 'agent' | 'system';
  senderName: string | null;
  content: MessageContent;
  status: string;
  externalId: string | null;
  createdAt: Date;
}

/** Who is online, kept by the agent realtime layer; read here to tell contacts whether anyone can answer. */
export interface PresenceView {
  onlineAgentIds(): ReadonlySet<number>;
}

/**
 * Read access the core lends to channels: what they need to answer a platform or a
 * visitor (inbox settings, a contact's history) without touching the database.
 */
export class ChannelDirectory {
  constructor(
    private readonly db: Db,
    private readonly presence: PresenceView,
    private readonly secrets: SecretBox,
  ) {}

  async findInbox(channel: string, accountId: string): Promise<InboxView | null> {
    const row = await findInboxByAccount(this.db, channel, accountId);
    // Secret fields (identitySecret…) are stored sealed; the channel gets them usable.
    return row ? { id: row.id, name: row.name, botEnabled: row.bot_enabled, settings: openSecretFields(this.secrets, row.settings) } : null;
  }

  /** Every inbox's settings on this channel, secret fields left sealed (the widget answers CORS preflights, which name no inbox, from them). */
  async inboxSettingsOf(channel: string): Promise<Record<string, unknown>[]> {
    const rows = await this.db.selectFrom('inboxes').select('settings').where('channel', '=', channel).execute();
    return rows.map((r) => r.settings);
  }

  /** One message of this contact by its platform id (e.g. to acknowledge a resend). */
  async contactMessage(address: ChannelAddress, externalId: string): Promise<MessageView | null> {
    const rows = await this.historyQuery(address).where('m.external_id', '=', externalId).limit(1).execute();
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Public messages of every conversation of this identity (visitor) on this inbox, after `afterId`, oldest first. */
  async contactHistory(address: ChannelAddress, afterId: number, limit = 500): Promise<MessageView[]> {
    const rows = await this.historyQuery(address).where('m.id', '>', afterId).orderBy('m.id').limit(limit).execute();
    return rows.map(toView);
  }

  // Conversations by their own identity: after a merge the contact may hold other identities
  // on this account, whose conversations are not this visitor's to see.
  private historyQuery(address: ChannelAddress) {
    return this.db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
      .innerJoin('contact_identities as ci', 'ci.id', 'c.identity_id')
      .leftJoin('agents as a', (j) => j.onRef('a.id', '=', 'm.sender_id').on('m.sender_type', '=', 'agent'))
      .select(['m.id', 'm.conversation_id', 'm.direction', 'm.sender_type', 'm.content', 'm.status', 'm.external_id', 'm.created_at', 'a.name as agent_name'])
      .where('i.channel', '=', address.channel)
      .where('i.account_id', '=', address.accountId)
      .where('ci.external_id', '=', address.externalUserId)
      .where('m.private', '=', false);
  }

  async currentConversation(address: ChannelAddress): Promise<{ id: number; status: string; inboxId: number } | null> {
    const row = await this.db
      .selectFrom('conversations as c')
      .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
      .innerJoin('contact_identities as ci', 'ci.id', 'c.identity_id')
      .select(['c.id', 'c.status', 'c.inbox_id'])
      .where('i.channel', '=', address.channel)
      .where('i.account_id', '=', address.accountId)
      .where('ci.external_id', '=', address.externalUserId)
      .orderBy('c.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? { id: row.id, status: row.status, inboxId: row.inbox_id } : null;
  }

  /**
   * Profile details the contact typed (the widget's pre-chat and offline forms): given values
   * replace stored ones, blanks erase nothing. Not verified — anyone can type any number into
   * a form — so they suggest no merge; the same number as a verified one keeps it verified.
   */
  async updateContactProfile(address: ChannelAddress, profile: ContactProfile): Promise<boolean> {
    const contact = await findContactByIdentity(this.db, { channel: address.channel, accountId: address.accountId, externalId: address.externalUserId });
    if (!contact) return false;
    const { set } = profilePatch(contact, profile, { verified: false, overwrite: true });
    if (Object.keys(set).length === 0) return true;
    await this.db.updateTable('contacts').set({ ...set, updated_at: new Date() }).where('id', '=', contact.id).execute();
    return true;
  }

  async agentsOnline(inboxId: number): Promise<boolean> {
    const online = [...this.presence.onlineAgentIds()];
    if (online.length === 0) return false;
    const row = await this.db
      .selectFrom('agents as a')
      .leftJoin('inbox_members as im', (j) => j.onRef('im.agent_id', '=', 'a.id').on('im.inbox_id', '=', inboxId))
      .select('a.id')
      .where('a.id', 'in', online)
      .where((eb) => eb.or([eb('im.inbox_id', 'is not', null), eb('a.role', 'in', ['admin', 'supervisor'])]))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}

interface HistoryRow {
  id: number;
  conversation_id: number;
  direction: 'in' | 'out';
  sender_type: MessageView['senderType'];
  content: unknown;
  status: string;
  external_id: string | null;
  created_at: Date;
  agent_name: string | null;
}

/** A message just stored from a contact, as that contact sees it (no agent name: the contact wrote it). */
export function messageViewOf(row: MessageRow): MessageView {
  return toView({ ...row, agent_name: null });
}

function toView(r: HistoryRow): MessageView {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    direction: r.direction,
    senderType: r.sender_type,
    senderName: r.agent_name ?? null,
    content: r.content as MessageContent,
    status: r.status,
    externalId: r.external_id,
    createdAt: r.created_at,
  };
}
