import { keepPlan } from '../prepared-pool';
import { keyLock, type Db } from '../unit-of-work';
import type { InboxRow } from '../schema';
import { toJson } from '../json';

export async function findInboxByAccount(db: Db, channel: string, accountId: string): Promise<InboxRow | undefined> {
  return db.selectFrom('inboxes').selectAll().where('channel', '=', channel).where('account_id', '=', accountId).executeTakeFirst();
}

/**
 * The inbox, read by the statement that also takes the transaction's lock on `lockKey`
 * (UnitOfWork.lockKey) — one round trip instead of two on the inbound paths, where each
 * one is a good part of a message's time to reach the agents (bench/delivery-bench.ts).
 * No lock is taken when there is no such inbox.
 */
export async function lockAndFindInbox(db: Db, lockKey: string, channel: string, accountId: string): Promise<InboxRow | undefined> {
  const row = await db
    .selectFrom('inboxes')
    .selectAll()
    .select(keyLock(lockKey).as('locked'))
    .where('channel', '=', channel)
    .where('account_id', '=', accountId)
    .modifyEnd(keepPlan())
    .executeTakeFirst();
  if (!row) return undefined;
  const { locked: _locked, ...inbox } = row;
  return inbox;
}

export async function getInbox(db: Db, id: number): Promise<InboxRow | undefined> {
  return db.selectFrom('inboxes').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface NewInbox {
  channel: string;
  accountId: string;
  name: string;
  botEnabled?: boolean;
  teamId?: number | null;
  settings?: Record<string, unknown>;
}

export async function createInbox(db: Db, input: NewInbox): Promise<InboxRow> {
  return db
    .insertInto('inboxes')
    .values({
      channel: input.channel,
      account_id: input.accountId,
      name: input.name,
      bot_enabled: input.botEnabled ?? true,
      team_id: input.teamId ?? null,
      settings: toJson(input.settings ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Mark an inbox's channel account as unable to send (`problem`), or as working again
 * (`null`). Only writes when something changes, so calling it after every send is cheap.
 */
export async function setConnectionProblem(
  db: Db,
  which: { inboxId: number } | { channel: string; accountId: string },
  problem: string | null,
  at: Date,
): Promise<boolean> {
  let q = db.updateTable('inboxes').set({ connection_error: problem, connection_error_at: problem ? at : null });
  q = 'inboxId' in which ? q.where('id', '=', which.inboxId) : q.where('channel', '=', which.channel).where('account_id', '=', which.accountId);
  q = problem === null ? q.where('connection_error', 'is not', null) : q.where((eb) => eb.or([eb('connection_error', 'is', null), eb('connection_error', '<>', problem)]));
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
