import { randomBytes } from 'node:crypto';
import type { Db } from '../unit-of-work';
import type { SecretBox } from '../../secrets/secret-box';

/** The `gateway_settings` rows that hold generated keys (sealed; the at-start upgrade finds old ones by it). */
export const SHARED_SECRET_PREFIX = 'secret:';

/**
 * A random secret generated once and kept in the database, so every node signs and
 * verifies with the same key (visitor tokens, upload links). Race-safe across nodes: the
 * first insert wins and everyone reads it back. Stored sealed (src/secrets/).
 */
export async function sharedSecret(db: Db, box: SecretBox, name: string): Promise<Buffer> {
  const key = `${SHARED_SECRET_PREFIX}${name}`;
  await db
    .insertInto('gateway_settings')
    .values({ key, value: box.seal(randomBytes(32).toString('base64')) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('gateway_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return Buffer.from(box.open(row.value), 'base64');
}
