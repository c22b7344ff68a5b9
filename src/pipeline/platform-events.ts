import { sql } from 'kysely';
import type { Clock } from '../core/clock';
import type { DomainEventBus } from '../core/event-bus';
import type { EventOrigin, ParsedEvent } from '../core/message';
import { inTransaction, type Db, type UnitOfWork } from '../store/unit-of-work';
import { lockAndFindInbox } from '../store/repos/inboxes';
import { findOrCreateContact } from '../store/repos/contacts';
import { insertMessage, summarize } from '../store/repos/messages';
import { toJson } from '../store/json';
import type { InboxRow } from '../store/schema';
import { scopeOf } from './event-scope';
import { profilePatch } from '../contacts/profile-update';
import { autoMergeContact } from '../contacts/auto-merge';

export interface PlatformEventDeps {
  db: Db;
  bus: DomainEventBus<Db>;
  clock: Clock;
}

export type PlatformEventResult = 'applied' | 'duplicate' | 'unknown_inbox' | 'not_found' | 'ignored';

const STATUS_RANK: Record<string, number> = { pending: 0, sending: 0, unknown: 1, sent: 2, delivered: 3, read: 4 };

/**
 * What platforms tell us besides contact messages: echoes of what the business sent
 * (ours confirm the stored message; others — typed in Meta's or Zalo's own tools — are
 * stored as agent messages "sent outside Omnigate"), delivery and read receipts
 * (statuses only move forward), and contact details (Zalo follow / shared info).
 */
export class PlatformEvents {
  constructor(private readonly deps: PlatformEventDeps) {}

  async apply(event: ParsedEvent): Promise<PlatformEventResult> {
    switch (event.kind) {
      case 'echo':
        return this.inInbox(event.origin, (uow, inbox) => this.echo(uow, inbox, event));
      case 'delivery':
      case 'read':
        return this.inInbox(event.origin, (uow, inbox) => this.receipt(uow, inbox, event.origin, event.kind, event.externalIds, event.watermark));
      case 'contact':
        return this.inInbox(event.origin, (uow) => this.contact(uow, event));
      default:
        return 'ignored';
    }
  }

  private inInbox(origin: EventOrigin, work: (uow: UnitOfWork, inbox: InboxRow) => Promise<PlatformEventResult>): Promise<PlatformEventResult> {
    return inTransaction(this.deps.db, this.deps.bus, async (uow) => {
      const inbox = await lockAndFindInbox(uow.db, `${origin.channel}:${origin.accountId}:${origin.externalUserId}`, origin.channel, origin.accountId);
      return inbox ? work(uow, inbox) : 'unknown_inbox';
    });
  }

  private async echo(uow: UnitOfWork, inbox: InboxRow, event: Extract<ParsedEvent, { kind: 'echo' }>): Promise<PlatformEventResult> {
    const byExternal = await uow.db.selectFrom('messages').select(['id', 'status']).where('inbox_id', '=', inbox.id).where('external_id', '=', event.externalId).executeTakeFirst();
    if (event.ours) {
      const target = byExternal ?? (event.outboundMessageId ? await uow.db.selectFrom('messages').select(['id', 'status']).where('id', '=', event.outboundMessageId).where('inbox_id', '=', inbox.id).where('direction', '=', 'out').executeTakeFirst() : undefined);
      if (!target) return 'not_found';
      await this.setStatus(uow, inbox, target.id, 'delivered', event.externalId);
      return 'applied';
    }
    if (byExternal) return 'duplicate';
    const conv = await this.conversationOf(uow, inbox, event.origin);
    if (!conv || !event.content) return 'not_found';
    const row = await insertMessage(uow.db, {
      conversationId: conv.id,
      inboxId: inbox.id,
      direction: 'out',
      senderType: 'agent',
      senderId: null,
      content: event.content,
      status: 'delivered',
      externalId: event.externalId,
      sentAt: event.origin.at,
    });
    if (!row) return 'duplicate';
    const now = this.deps.clock.now();
    await uow.db.updateTable('conversations').set({ last_message_at: now, first_reply_at: conv.first_reply_at ?? now, updated_at: now }).where('id', '=', conv.id).execute();
    await uow.emit({ ...scopeOf(conv, inbox, { type: 'agent', id: null }, now), type: 'message.sent', message: summarize(row) });
    return 'applied';
  }

  private async receipt(uow: UnitOfWork, inbox: InboxRow, origin: EventOrigin, kind: 'delivery' | 'read', externalIds: string[], watermark: Date | null): Promise<PlatformEventResult> {
    const status = kind === 'read' ? 'read' : 'delivered';
    let qb = uow.db.selectFrom('messages as m').select(['m.id', 'm.status']).where('m.inbox_id', '=', inbox.id).where('m.direction', '=', 'out').where('m.private', '=', false);
    const conv = await this.conversationOf(uow, inbox, origin);
    if (externalIds.length > 0) qb = qb.where('m.external_id', 'in', externalIds);
    else if (watermark && conv) qb = qb.where('m.conversation_id', '=', conv.id).where('m.sent_at', '<=', watermark).where('m.status', 'in', ['sent', 'delivered', 'unknown']);
    else return 'ignored';
    const rows = await qb.execute();
    let changed = 0;
    for (const r of rows) if ((STATUS_RANK[r.status] ?? -1) < STATUS_RANK[status]!) changed += await this.setStatus(uow, inbox, r.id, status, null);
    return changed > 0 ? 'applied' : 'duplicate';
  }

  /**
   * What the platform says about the contact: a profile it gives (Zalo's shared info, a
   * profile looked up) is verified — the platform vouches for the phone / e-mail — and is
   * newer than what we had; follow / unfollow is stored on the identity (and, for code that
   * reads it there, as the `<channel>Follower` attribute). A newly verified value merges
   * twins when the inbox has `contacts.autoMerge`.
   */
  private async contact(uow: UnitOfWork, event: Extract<ParsedEvent, { kind: 'contact' }>): Promise<PlatformEventResult> {
    const { origin } = event;
    const now = this.deps.clock.now();
    const key = { channel: origin.channel, accountId: origin.accountId, externalId: origin.externalUserId };
    const { contact } = await findOrCreateContact(uow.db, key, undefined, now);
    const attributes = { ...contact.attributes };
    if (event.follower !== null) {
      attributes[`${origin.channel}Follower`] = event.follower;
      await uow.db.updateTable('contact_identities').set({ follower: event.follower }).where('channel', '=', key.channel).where('account_id', '=', key.accountId).where('external_id', '=', key.externalId).execute();
    }
    const { set, newlyVerified } = profilePatch(contact, event.profile ?? {}, { verified: true, overwrite: true });
    await uow.db
      .updateTable('contacts')
      .set({ ...set, attributes: toJson(attributes), updated_at: now })
      .where('id', '=', contact.id)
      .execute();
    if (newlyVerified) await autoMergeContact(uow.db, contact.id, now);
    return 'applied';
  }

  /** The latest conversation with this identity on the inbox (a merged contact may hold several identities on one account). */
  private async conversationOf(uow: UnitOfWork, inbox: InboxRow, origin: EventOrigin) {
    return uow.db
      .selectFrom('conversations as c')
      .innerJoin('contact_identities as ci', 'ci.id', 'c.identity_id')
      .selectAll('c')
      .where('c.inbox_id', '=', inbox.id)
      .where('ci.channel', '=', origin.channel)
      .where('ci.account_id', '=', origin.accountId)
      .where('ci.external_id', '=', origin.externalUserId)
      .orderBy('c.id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  private async setStatus(uow: UnitOfWork, inbox: InboxRow, messageId: number, status: string, externalId: string | null): Promise<number> {
    const updated = await uow.db
      .updateTable('messages')
      .set({ status, ...(externalId ? { external_id: sql<string>`coalesce(external_id, ${externalId})` } : {}) })
      .where('id', '=', messageId)
      .returning(['conversation_id'])
      .executeTakeFirst();
    if (!updated) return 0;
    await uow.db.updateTable('outbox').set({ status: status === 'read' ? 'delivered' : status }).where('message_id', '=', messageId).where('status', 'in', ['sent', 'unknown']).execute();
    const conv = await uow.db.selectFrom('conversations').selectAll().where('id', '=', updated.conversation_id).executeTakeFirstOrThrow();
    await uow.emit({ ...scopeOf(conv, inbox, { type: 'system' }, this.deps.clock.now()), type: 'message.status_changed', messageId, status, error: null });
    return 1;
  }
}
