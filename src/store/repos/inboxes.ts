import type { Db } from '../unit-of-work';
import type { InboxRow } from '../schema';
import { toJson } from '../json';

export async function findInboxByAccount(db: Db, channel: string, accountId: string): Promise<InboxRow | undefined> {
  return db.selectFrom('inboxes').selectAll().where('channel', '=', channel).where('account_id', '=', accountId).executeTakeFirst();
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
