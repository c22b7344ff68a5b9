import { DAY } from '../../src/core/clock';
import { testDatabases } from '../support/databases';
import { apiClient } from './api-client';
import { campaignFixture, contactOf, type CampaignFixture } from './campaign-fixture';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('segments on %s', (_kind, database) => {
  let f: CampaignFixture;
  let api: Awaited<ReturnType<typeof apiClient>>;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const { store } = await database.open();
    f = await campaignFixture(store);
    // Chi (Zalo, not following) and Dũng (Messenger) wrote 40 days ago; An (widget), Bình (Zalo, following) and Em today.
    await f.zalo.receive('z-chi', 'Shop còn áo size M không?');
    await f.messenger.receive('m-dung', 'Giao hàng mất mấy ngày?');
    f.clock.advance(40 * DAY);
    await f.widget.receive('w-an', 'Chào shop');
    await f.zalo.receive('z-binh', 'Có khuyến mãi Tết không?');
    await f.widget.receive('w-em', 'Cho mình hỏi');
    ids.an = await contactOf(f, f.widget, 'w-an', { name: 'An', labels: ['vip'], attributes: { tier: 'gold', orders: 3 } });
    ids.binh = await contactOf(f, f.zalo, 'z-binh', { name: 'Bình', labels: ['tet'], attributes: { tier: 'silver' }, follower: true });
    ids.chi = await contactOf(f, f.zalo, 'z-chi', { name: 'Chi', follower: false });
    ids.dung = await contactOf(f, f.messenger, 'm-dung', { name: 'Dũng', labels: ['vip', 'tet'] });
    ids.em = await contactOf(f, f.widget, 'w-em', { name: 'Em', labels: ['vip'] });
    // Em was merged into An: a merged contact is in no segment (its identities belong to the survivor).
    await f.gw.db.updateTable('contacts').set({ merged_into_id: ids.an }).where('id', '=', ids.em).execute();
    api = await apiClient(f.gw);
  }, 60_000);
  afterAll(async () => f?.gw.close());

  const names = async (filter: unknown): Promise<string[]> => {
    const res = await api('POST', '/segments/preview', { filter });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(res.body.contacts.length);
    return res.body.contacts.map((c: { name: string }) => c.name);
  };

  test('each filter narrows to exactly the contacts it describes; merged contacts never appear', async () => {
    expect(await names({})).toEqual(['Chi', 'Dũng', 'An', 'Bình']);
    expect(await names({ labels: ['vip'] })).toEqual(['Dũng', 'An']);
    expect(await names({ labels: ['tet', 'nope'] })).toEqual(['Dũng', 'Bình']);
    expect(await names({ channels: ['zalo'] })).toEqual(['Chi', 'Bình']);
    expect(await names({ channels: ['widget', 'messenger'] })).toEqual(['Dũng', 'An']);
    expect(await names({ inboxIds: [f.inboxes.messenger.id] })).toEqual(['Dũng']);
    expect(await names({ lastActivity: { withinDays: 7 } })).toEqual(['An', 'Bình']);
    expect(await names({ lastActivity: { olderThanDays: 30 } })).toEqual(['Chi', 'Dũng']);
    expect(await names({ lastActivity: { withinDays: 60, olderThanDays: 30 } })).toEqual(['Chi', 'Dũng']);
    expect(await names({ zaloFollower: true })).toEqual(['Bình']);
    expect(await names({ zaloFollower: false })).toEqual(['Chi']);
    expect(await names({ attributes: [{ key: 'tier', op: 'eq', value: 'gold' }] })).toEqual(['An']);
    expect(await names({ attributes: [{ key: 'orders', op: 'eq', value: 3 }] })).toEqual(['An']);
    expect(await names({ attributes: [{ key: 'orders', op: 'eq', value: '3' }] })).toEqual([]);
    expect(await names({ attributes: [{ key: 'tier', op: 'neq', value: 'gold' }] })).toEqual(['Chi', 'Dũng', 'Bình']);
    expect(await names({ attributes: [{ key: 'tier', op: 'exists' }] })).toEqual(['An', 'Bình']);
    expect(await names({ labels: ['vip'], lastActivity: { withinDays: 7 } })).toEqual(['An']);
    expect(await names({ channels: ['zalo'], zaloFollower: true, labels: ['vip'] })).toEqual([]);
  });

  test('a filter that is not one is a 400 naming the problem', async () => {
    for (const filter of [{ labels: [] }, { channels: ['sms'] }, { attributes: [{ key: 'tier', op: 'eq' }] }, { lastActivity: { withinDays: -1 } }, { unknown: true }]) {
      const res = await api('POST', '/segments/preview', { filter });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('GW_ERR_VALIDATION');
    }
  });

  test('segments: create, list with counts, page through contacts, edit, delete; agents get 403', async () => {
    const created = await api('POST', '/segments', { name: 'Khách VIP', filter: { labels: ['vip'] } });
    expect(created.status).toBe(201);
    expect(created.body.segment).toMatchObject({ name: 'Khách VIP', filter: { labels: ['vip'] }, contactCount: 2 });
    const id = created.body.segment.id;
    expect((await api('GET', '/segments')).body.segments).toEqual([expect.objectContaining({ id, contactCount: 2 })]);

    const first = await api('GET', `/segments/${id}/contacts?limit=1`);
    expect(first.body).toMatchObject({ total: 2, contacts: [{ name: 'Dũng', channels: ['messenger'], labels: ['vip', 'tet'] }] });
    const second = await api('GET', `/segments/${id}/contacts?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ total: 2, contacts: [{ name: 'An', attributes: { tier: 'gold', orders: 3 } }], nextCursor: null });

    const edited = await api('PATCH', `/segments/${id}`, { filter: { labels: ['vip'], channels: ['widget'] } });
    expect(edited.body.segment).toMatchObject({ name: 'Khách VIP', contactCount: 1 });

    expect((await api('GET', '/segments', undefined, 'agent')).status).toBe(403);
    expect((await api('POST', '/segments/preview', { filter: {} }, 'agent')).status).toBe(403);
    expect((await api('DELETE', `/segments/${id}`)).status).toBe(204);
    expect((await api('GET', `/segments/${id}/contacts`)).status).toBe(404);
  });
});
