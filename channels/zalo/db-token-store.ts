import { sql } from 'kysely';
import type { Db } from '../../src/store/unit-of-work';
import type { StoreKind } from '../../src/store/database';
import { toJson } from '../../src/store/json';
import type { SecretBox } from '../../src/secrets/secret-box';
import { openJson, sealJson } from '../../src/secrets/sealed-json';
import { InMemoryTokenStore, type TokenPair, type TokenStore } from './token-store';

/**
 * The OA token pair in the database (`channel_credentials`), so a rotated single-use
 * refresh token survives restarts and is shared by every node.
 * - save: one upsert of the whole pair (atomic), sealed as one document (src/secrets/).
 * - withRefreshLock on PostgreSQL: `pg_advisory_lock` held on a dedicated connection for
 *   the whole refresh — no TTL, so it always outlives the HTTP call.
 * - on the embedded database (one process by construction, one connection) an in-process
 *   mutex gives the same guarantee without holding the only connection.
 */
export class DbTokenStore implements TokenStore {
  private readonly local = new InMemoryTokenStore();

  constructor(
    private readonly db: Db,
    private readonly kind: StoreKind,
    private readonly box: SecretBox,
  ) {}

  async load(oaId: string): Promise<TokenPair | null> {
    const row = await this.db.selectFrom('channel_credentials').select('data').where('channel', '=', 'zalo').where('account_id', '=', oaId).executeTakeFirst();
    if (!row) return null;
    const d = openJson<{ accessToken?: string; refreshToken?: string; expiresAt?: string; issuedAt?: string }>(this.box, row.data);
    if (!d.accessToken || !d.refreshToken || !d.expiresAt) return null;
    return { accessToken: d.accessToken, refreshToken: d.refreshToken, expiresAt: new Date(d.expiresAt), ...(d.issuedAt ? { issuedAt: new Date(d.issuedAt) } : {}) };
  }

  async save(oaId: string, pair: TokenPair): Promise<void> {
    const data = toJson(sealJson(this.box, { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: pair.expiresAt.toISOString(), issuedAt: pair.issuedAt?.toISOString() }));
    await this.db
      .insertInto('channel_credentials')
      .values({ channel: 'zalo', account_id: oaId, data, updated_at: new Date() })
      .onConflict((oc) => oc.columns(['channel', 'account_id']).doUpdateSet({ data, updated_at: new Date() }))
      .execute();
  }

  async list(): Promise<string[]> {
    const rows = await this.db.selectFrom('channel_credentials').select('account_id').where('channel', '=', 'zalo').execute();
    return rows.map((r) => r.account_id);
  }

  async withRefreshLock<T>(oaId: string, fn: () => Promise<T>): Promise<T> {
    if (this.kind === 'pglite') return this.local.withRefreshLock(oaId, fn);
    return this.local.withRefreshLock(oaId, () =>
      this.db.connection().execute(async (conn) => {
        const key = sql`hashtextextended(${`zalo-token:${oaId}`}, 0)`;
        await sql`select pg_advisory_lock(${key})`.execute(conn);
        try {
          return await fn();
        } finally {
          await sql`select pg_advisory_unlock(${key})`.execute(conn);
        }
      }),
    );
  }
}
