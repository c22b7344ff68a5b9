import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../store/schema';
import type { Db } from '../store/unit-of-work';
import type { SegmentFilter } from './segment-filter';

const DAY_MS = 86_400_000;

type ContactsEb = ExpressionBuilder<Database & { c: Database['contacts'] }, 'c'>;

/**
 * THE one translation of a segment filter into SQL: the contacts (`contacts as c`, never a
 * merged one) it means at `now`. Segment counts and previews, campaign previews and campaign
 * planning all start from this query, so what a screen counts is what a campaign sends to.
 *
 * - labels: `labels ?| array[…]` (has any of them);
 * - channels / inboxIds / zaloFollower: an identity of the contact (`contact_identities`) on
 *   those channels / on the accounts those inboxes serve (`channel`, `account_id`) / on Zalo
 *   with `follower` equal to the value (unknown — null — matches neither true nor false);
 * - lastActivity: the newest `last_message_at` of the contact's conversations (not stored on
 *   the contact); a contact without any conversation has no activity and matches neither bound;
 * - attributes: `eq` equal JSON value, `neq` anything else including absent, `exists` the key is set.
 */
export function segmentContacts(db: Db, filter: SegmentFilter, now: Date) {
  return db
    .selectFrom('contacts as c')
    .where('c.merged_into_id', 'is', null)
    .where((eb) => eb.and(conditions(eb as unknown as ContactsEb, filter, now)));
}

function conditions(eb: ContactsEb, filter: SegmentFilter, now: Date): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  if (filter.labels) out.push(sql<SqlBool>`${sql.ref('c.labels')} ?| array[${sql.join(filter.labels)}]::text[]`);
  const identity = () => eb.selectFrom('contact_identities as ci').select(sql.lit(1).as('one')).whereRef('ci.contact_id', '=', 'c.id');
  if (filter.channels) out.push(eb.exists(identity().where('ci.channel', 'in', filter.channels)));
  if (filter.inboxIds) {
    out.push(
      eb.exists(
        identity()
          .innerJoin('inboxes as ib', (j) => j.onRef('ib.channel', '=', 'ci.channel').onRef('ib.account_id', '=', 'ci.account_id'))
          .where('ib.id', 'in', filter.inboxIds),
      ),
    );
  }
  if (filter.zaloFollower !== undefined) out.push(eb.exists(identity().where('ci.channel', '=', 'zalo').where('ci.follower', '=', filter.zaloFollower)));
  if (filter.lastActivity) {
    const last = eb.selectFrom('conversations as cv').select((e) => e.fn.max('cv.last_message_at').as('last')).whereRef('cv.contact_id', '=', 'c.id');
    const { withinDays, olderThanDays } = filter.lastActivity;
    if (withinDays !== undefined) out.push(eb(last, '>=', new Date(now.getTime() - withinDays * DAY_MS)));
    if (olderThanDays !== undefined) out.push(eb(last, '<', new Date(now.getTime() - olderThanDays * DAY_MS)));
  }
  for (const a of filter.attributes ?? []) {
    const value = sql`${sql.ref('c.attributes')} -> ${a.key}`;
    if (a.op === 'exists') out.push(sql<SqlBool>`${sql.ref('c.attributes')} ? ${a.key}`);
    else if (a.op === 'eq') out.push(sql<SqlBool>`${value} = ${JSON.stringify(a.value)}::jsonb`);
    else out.push(sql<SqlBool>`${value} is distinct from ${JSON.stringify(a.value)}::jsonb`);
  }
  return out;
}
