import type { Db } from '../../src/store/unit-of-work';
import { toJson } from '../../src/store/json';
import type { SecretBox } from '../../src/secrets/secret-box';
import { openJson, sealJson } from '../../src/secrets/sealed-json';
import type { PageStore, StoredPage } from './pages';

/**
 * Pages added through the admin API, in `channel_credentials` (channel `messenger`, one
 * row per Page), each `{accessToken, name}` sealed as one document (src/secrets/).
 */
export class DbPageStore implements PageStore {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  async list(): Promise<StoredPage[]> {
    const rows = await this.db.selectFrom('channel_credentials').select(['account_id', 'data']).where('channel', '=', 'messenger').execute();
    return rows.flatMap((r) => {
      const d = openJson<{ accessToken?: unknown; name?: unknown }>(this.box, r.data);
      return typeof d.accessToken === 'string' ? [{ pageId: r.account_id, accessToken: d.accessToken, name: typeof d.name === 'string' ? d.name : null }] : [];
    });
  }

  async save(page: StoredPage): Promise<void> {
    const data = toJson(sealJson(this.box, { accessToken: page.accessToken, name: page.name }));
    await this.db
      .insertInto('channel_credentials')
      .values({ channel: 'messenger', account_id: page.pageId, data, updated_at: new Date() })
      .onConflict((oc) => oc.columns(['channel', 'account_id']).doUpdateSet({ data, updated_at: new Date() }))
      .execute();
  }

  async remove(pageId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('channel_credentials').where('channel', '=', 'messenger').where('account_id', '=', pageId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
