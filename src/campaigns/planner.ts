import { sql } from 'kysely';
import type { ChannelAdapter, CampaignTarget } from '../core/channel';
import type { Db } from '../store/unit-of-work';
import { segmentContacts } from './segment-query';
import type { SegmentFilter } from './segment-filter';

/** A contact's identity on one of the campaign's inboxes, with what the channel's rules need. */
export interface RecipientTarget {
  contactId: number;
  inboxId: number;
  channel: string;
  identityId: number;
  /** The identity's latest conversation in the inbox (where the message goes), null if none. */
  conversationId: number | null;
  target: CampaignTarget;
}

/** What the channel's rules say for one contact × inbox: send now, wait until `notBefore`, or skip. */
export type Plan = { status: 'queued'; reason: null; notBefore: null } | { status: 'waiting'; reason: string; notBefore: Date } | { status: 'skipped'; reason: string; notBefore: null };

export type PlannedRecipient = Omit<RecipientTarget, 'target' | 'identityId'> & Plan;

/** Why a contact is skipped when its inbox's channel is not running on this gateway. */
export const CHANNEL_NOT_RUNNING = 'the channel of this inbox is not running on the gateway';

/**
 * Decides, for the contacts of a filter × the campaign's inboxes, who gets the campaign now,
 * later or not (and why), by asking each inbox's channel adapter (`campaignWindow`; absent:
 * always open, e.g. the widget). Used as is by the preview (nothing written) and by the runner
 * (which writes the same decisions as recipient rows), so the preview's counts are what goes
 * out when nothing changed in between.
 *
 * Only contacts with an identity on the inbox's account are recipients there. A merged contact
 * may hold two identities on one account: the one the contact wrote from last is used.
 */
export class CampaignPlanner {
  constructor(private readonly deps: { db: Db; channels: ReadonlyMap<string, ChannelAdapter> }) {}

  /** The next `limit` contacts of the filter after `afterContactId` (ascending ids), planned. */
  async planBatch(filter: SegmentFilter, inboxIds: readonly number[], now: Date, afterContactId: number, limit: number): Promise<{ contactIds: number[]; recipients: PlannedRecipient[] }> {
    const rows = await segmentContacts(this.deps.db, filter, now).select('c.id').where('c.id', '>', afterContactId).orderBy('c.id').limit(limit).execute();
    const contactIds = rows.map((r) => r.id);
    const targets = await this.targets(contactIds, inboxIds, null);
    const recipients: PlannedRecipient[] = [];
    for (const t of targets) recipients.push({ contactId: t.contactId, inboxId: t.inboxId, channel: t.channel, conversationId: t.conversationId, ...(await this.decide(t, now)) });
    return { contactIds, recipients };
  }

  /**
   * The targets of these contacts on these inboxes: one per contact × inbox where it has an
   * identity. `lastCampaignAt` counts campaign messages posted (`sent_at`) and those queued to
   * be posted (by when they were queued) of every campaign but `campaignId`'s own, so two
   * campaigns planned in one pass do not both take a Zalo user's one promotion of the day.
   */
  async targets(contactIds: readonly number[], inboxIds: readonly number[], campaignId: number | null): Promise<RecipientTarget[]> {
    if (contactIds.length === 0 || inboxIds.length === 0) return [];
    const rows = await this.deps.db
      .selectFrom('contact_identities as ci')
      .innerJoin('inboxes as ib', (j) => j.onRef('ib.channel', '=', 'ci.channel').onRef('ib.account_id', '=', 'ci.account_id'))
      .select(['ci.contact_id', 'ci.id as identity_id', 'ci.external_id', 'ci.follower', 'ib.id as inbox_id', 'ib.channel', 'ib.account_id'])
      .select((eb) => [
        eb.selectFrom('conversations as cv').select((e) => e.fn.max('cv.last_inbound_at').as('m')).whereRef('cv.identity_id', '=', 'ci.id').whereRef('cv.inbox_id', '=', 'ib.id').as('last_inbound_at'),
        eb.selectFrom('conversations as cv').select('cv.id').whereRef('cv.identity_id', '=', 'ci.id').whereRef('cv.inbox_id', '=', 'ib.id').orderBy('cv.id', 'desc').limit(1).as('conversation_id'),
        eb
          .selectFrom('campaign_recipients as r')
          .select(sql<Date | null>`max(coalesce(r.sent_at, case when r.status = 'queued' then r.updated_at end))`.as('m'))
          .whereRef('r.contact_id', '=', 'ci.contact_id')
          .whereRef('r.inbox_id', '=', 'ib.id')
          .where('r.campaign_id', '!=', campaignId ?? 0)
          .as('last_campaign_at'),
      ])
      .where('ci.contact_id', 'in', contactIds)
      .where('ib.id', 'in', inboxIds)
      .orderBy('ci.contact_id')
      .orderBy('ib.id')
      .orderBy('ci.id') // stable among one contact's identities on one account; the latest inbound wins below
      .execute();
    const byPair = new Map<string, RecipientTarget>();
    for (const r of rows) {
      const key = `${r.contact_id}:${r.inbox_id}`;
      const lastInboundAt = r.last_inbound_at ? new Date(r.last_inbound_at) : null;
      const seen = byPair.get(key);
      if (seen && (seen.target.lastInboundAt?.getTime() ?? -Infinity) >= (lastInboundAt?.getTime() ?? -Infinity)) continue;
      byPair.set(key, {
        contactId: r.contact_id,
        inboxId: r.inbox_id,
        channel: r.channel,
        identityId: r.identity_id,
        conversationId: r.conversation_id ?? null,
        target: {
          address: { channel: r.channel, accountId: r.account_id, externalUserId: r.external_id },
          lastInboundAt,
          follower: r.follower,
          lastCampaignAt: r.last_campaign_at ? new Date(r.last_campaign_at) : null,
        },
      });
    }
    return [...byPair.values()];
  }

  /** The channel's rule for one target at `now`. */
  async decide(t: RecipientTarget, now: Date): Promise<Plan> {
    const adapter = this.deps.channels.get(t.channel);
    if (!adapter) return { status: 'skipped', reason: CHANNEL_NOT_RUNNING, notBefore: null };
    const window = adapter.campaignWindow ? await adapter.campaignWindow(t.target, now) : ({ open: true } as const);
    if (window.open) return { status: 'queued', reason: null, notBefore: null };
    if (window.notBefore) return { status: 'waiting', reason: window.reason, notBefore: window.notBefore };
    return { status: 'skipped', reason: window.reason, notBefore: null };
  }
}

/** Per channel: sent at once, sent later (waiting for the channel's next allowed time), skipped by reason. */
export interface ChannelCounts {
  reachable: number;
  later: number;
  skipped: Record<string, number>;
}

/** The preview of a campaign: the planner's decisions for everyone, counted, nothing written. */
export async function previewCampaign(planner: CampaignPlanner, filter: SegmentFilter, inboxIds: readonly number[], now: Date, batch = 500): Promise<{ total: number; contacts: number; channels: Record<string, ChannelCounts> }> {
  const channels: Record<string, ChannelCounts> = {};
  let total = 0;
  let contacts = 0;
  let after = 0;
  for (;;) {
    const { contactIds, recipients } = await planner.planBatch(filter, inboxIds, now, after, batch);
    contacts += contactIds.length;
    for (const r of recipients) {
      const c = (channels[r.channel] ??= { reachable: 0, later: 0, skipped: {} });
      total += 1;
      if (r.status === 'queued') c.reachable += 1;
      else if (r.status === 'waiting') c.later += 1;
      else c.skipped[r.reason] = (c.skipped[r.reason] ?? 0) + 1;
    }
    if (contactIds.length < batch) break;
    after = contactIds[contactIds.length - 1]!;
  }
  return { total, contacts, channels };
}
