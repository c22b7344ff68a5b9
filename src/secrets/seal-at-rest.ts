import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../store/unit-of-work';
import { toJson } from '../store/json';
import { SHARED_SECRET_PREFIX } from '../store/repos/settings';
import { SecretBox } from './secret-box';
import { hasUnsealedSecret, sealSecretFields } from './secret-fields';
import { isSealedDocument, sealJson } from './sealed-json';

export interface SealReport {
  sharedSecrets: number;
  credentials: number;
  inboxes: number;
}

/**
 * The at-start upgrade: seals what an earlier version stored in plain text — generated
 * keys in `gateway_settings`, `channel_credentials` documents, secret fields of inbox
 * settings — so an existing install keeps working; from then on reads accept only sealed
 * values. Each row is replaced only if it still holds the plain value that was read
 * (compare-and-set), so a node writing a fresh token meanwhile is never overwritten and
 * two nodes starting together do not seal twice. Costs three reads when nothing is left.
 * All nodes must run this version: an older one would keep writing plain text.
 */
export async function sealSecretsAtRest(db: Db, box: SecretBox, logger: Logger): Promise<SealReport> {
  const report: SealReport = { sharedSecrets: 0, credentials: 0, inboxes: 0 };
  const shared = await db.selectFrom('gateway_settings').select(['key', 'value']).where('key', 'like', `${SHARED_SECRET_PREFIX}%`).execute();
  for (const row of shared.filter((r) => !SecretBox.isSealed(r.value))) {
    const r = await db.updateTable('gateway_settings').set({ value: box.seal(row.value) }).where('key', '=', row.key).where('value', '=', row.value).executeTakeFirst();
    report.sharedSecrets += Number(r.numUpdatedRows);
  }
  const credentials = await db.selectFrom('channel_credentials').select(['channel', 'account_id', 'data']).execute();
  for (const row of credentials.filter((r) => !isSealedDocument(r.data))) {
    const r = await db
      .updateTable('channel_credentials')
      .set({ data: toJson(sealJson(box, row.data)) })
      .where('channel', '=', row.channel)
      .where('account_id', '=', row.account_id)
      .where(sql<boolean>`data = ${toJson(row.data)}::jsonb`)
      .executeTakeFirst();
    report.credentials += Number(r.numUpdatedRows);
  }
  const inboxes = await db.selectFrom('inboxes').select(['id', 'settings']).execute();
  for (const row of inboxes.filter((r) => hasUnsealedSecret(r.settings))) {
    const r = await db
      .updateTable('inboxes')
      .set({ settings: toJson(sealSecretFields(box, row.settings)) })
      .where('id', '=', row.id)
      .where(sql<boolean>`settings = ${toJson(row.settings)}::jsonb`)
      .executeTakeFirst();
    report.inboxes += Number(r.numUpdatedRows);
  }
  if (report.sharedSecrets + report.credentials + report.inboxes > 0) {
    logger.info({ ...report, keyId: box.keyId }, 'sealed secrets an earlier version stored in plain text');
  }
  return report;
}
