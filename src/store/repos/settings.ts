import { randomBytes } from 'node:crypto';
import type { Db } from '../unit-of-work';

/**
 * A random secret generated once and kept in the database, so every node signs and
 * verifies with the same key (visitor tokens, upload links). Race-safe across nodes.
 */
export async function sharedSecret(db: Db, name: string): Promise<Buffer> {
  const key = `secret:${name}`;
  await db
    .insertInto('gateway_settings')
    .values({ key, value: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('gateway_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64');
}
