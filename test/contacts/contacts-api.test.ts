import { testDatabases } from '../support/databases';
import { contactIdOf, startContactsHarness, type ContactsHarness } from './contacts-harness';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('contacts API on %s', (_kind, database) => {
  let h: ContactsHarness;
  let anh: number;
  let hung: number;
  let mai: number;

  beforeAll(async () => {
    const { store } = await database.open();
    h = await startContactsHarness(store);
    const { gw, zalo, messenger, call } = h;
    await zalo.receive('zu-anh', 'Chào shop');
    await zalo.profile('zu-anh', { name: 'Nguyễn Thị Ánh', phone: '0912 345 678' });
    await messenger.receive('psid-hung', 'Hello');
    await messenger.profile('psid-hung', { name: 'Trần Đức Hùng', email: 'Hung.Tran@Example.vn' });
    await zalo.receive('zu-mai', 'Hỏi giá');
    await zalo.profile('zu-mai', { name: 'Lê Mai' }, true);
    [anh, hung, mai] = [await contactIdOf(gw, 'zalo', 'zu-anh'), await contactIdOf(gw, 'messenger', 'psid-hung'), await contactIdOf(gw, 'zalo', 'zu-mai')];
    await call('agent', 'PATCH', `/contacts/${anh}`, { labels: ['vip', 'bảo hành'] });
    await call('agent', 'PATCH', `/contacts/${mai}`, { labels: ['vip'] });
  });
  afterAll(async () => h?.gw.close());

  const ids = (body: { contacts: { id: number }[] }) => body.contacts.map((c) => c.id);

  test('search: a name with or without diacritics, a phone in any format, an e-mail; label and channel filters', async () => {
    const { call } = h;
    const find = async (query: string) => ids((await call('agent', 'GET', `/contacts?${query}`)).json);
    expect(await find(`q=${encodeURIComponent('nguyen thi anh')}`)).toEqual([anh]);
    expect(await find(`q=${encodeURIComponent('ÁNH')}`)).toEqual([anh]);
    expect(await find(`q=${encodeURIComponent('Thị Ánh')}`)).toEqual([anh]);
    expect(await find(`q=${encodeURIComponent('duc hung')}`)).toEqual([hung]);
    expect(await find(`q=${encodeURIComponent('Đức')}`)).toEqual([hung]);
    expect(await find(`q=${encodeURIComponent('+84 912 345 678')}`)).toEqual([anh]);
    expect(await find(`q=${encodeURIComponent('84912345678')}`)).toEqual([anh]);
    expect(await find(`q=${encodeURIComponent('0912.345.678')}`)).toEqual([anh]);
    expect(await find(`q=${encodeURIComponent('0912 345')}`)).toEqual([anh]);
    expect(await find(`q=${encodeURIComponent('hung.tran@example.VN')}`)).toEqual([hung]);
    expect(await find(`q=${encodeURIComponent('example.vn')}`)).toEqual([hung]);
    expect(await find(`q=${encodeURIComponent('%')}`)).toEqual([]);
    // A name stored decomposed (combining marks), found with either tone placement or none.
    const nfd = (await h.gw.db.insertInto('contacts').values({ name: 'Phạm Thuỳ Dương'.normalize('NFD'), attributes: '{}', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
    for (const q of ['thuy duong', 'Thùy Dương', 'THUỲ']) expect(ids((await call('sup', 'GET', `/contacts?q=${encodeURIComponent(q)}`)).json)).toEqual([nfd]);
    expect(await find(`q=${encodeURIComponent('nobody')}`)).toEqual([]);
    expect((await find('label=vip')).sort()).toEqual([anh, mai].sort());
    expect(await find(`label=${encodeURIComponent('bảo hành')}`)).toEqual([anh]);
    expect(await find('channel=messenger')).toEqual([hung]);
    expect((await find('channel=zalo&label=vip')).sort()).toEqual([anh, mai].sort());
    expect((await call('agent', 'GET', '/contacts?channel=telegram')).status).toBe(400);
    expect((await call('agent', 'GET', '/contacts?cursor=bm9wZQ')).status).toBe(400);

    const one = (await call('agent', 'GET', `/contacts?q=${encodeURIComponent('Ánh')}`)).json.contacts[0];
    expect(one).toEqual({
      id: anh, name: 'Nguyễn Thị Ánh', phone: '0912 345 678', phoneE164: '+84912345678', phoneVerified: true, email: null, emailVerified: false,
      avatarUrl: null, notes: null, labels: ['vip', 'bảo hành'], attributes: {}, channels: ['zalo'], lastActivityAt: expect.any(String), createdAt: expect.any(String), mergedIntoId: null,
    });
    // Follow / unfollow is kept on the identity (and as the attribute other code reads).
    const mine = (await call('agent', 'GET', `/contacts/${mai}`)).json;
    expect(mine.identities).toEqual([{ id: expect.any(Number), channel: 'zalo', accountId: 'oa-1', externalId: 'zu-mai', inboxId: h.zaloInbox.id, inboxName: 'Zalo OA', follower: true }]);
    expect(mine.contact.attributes).toEqual({ zaloFollower: true });
    expect(mine.conversations).toEqual([{ id: expect.any(Number), inboxId: h.zaloInbox.id, inboxName: 'Zalo OA', channel: 'zalo', status: 'pending', createdAt: expect.any(String), lastMessageAt: expect.any(String), lastMessageText: 'Hỏi giá' }]);
    await h.zalo.profile('zu-mai', null, false);
    expect((await call('agent', 'GET', `/contacts/${mai}`)).json.identities[0].follower).toBe(false);
  });

  test('the list is ordered by last activity, newest first, and pages with a cursor without gaps or repeats', async () => {
    const { zalo, call, gw } = h;
    for (let i = 0; i < 7; i++) await zalo.receive(`zu-page-${i}`, `tin ${i}`, undefined, new Date(Date.now() + i * 1000));
    // One contact without any conversation (an import) comes last.
    await gw.db.insertInto('contacts').values({ name: 'Chưa nhắn', attributes: '{}', updated_at: new Date() }).execute();
    const full = (await call('sup', 'GET', '/contacts?limit=200')).json.contacts as { id: number; lastActivityAt: string | null }[];
    const times = full.map((c) => c.lastActivityAt);
    expect(times[times.length - 1]).toBeNull();
    const dated = times.filter((t): t is string => t !== null);
    expect(dated).toEqual([...dated].sort().reverse());
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { contacts: { id: number }[]; nextCursor: string | null } = (await call('sup', 'GET', `/contacts?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json;
      expect(page.contacts.length).toBeLessThanOrEqual(3);
      paged.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(full.map((c) => c.id));
  });

  test('access: agents see the contacts of their inboxes (others are not found); import and export are for supervisors and admins', async () => {
    const { call } = h;
    expect((await call('outsider', 'GET', `/contacts/${anh}`)).status).toBe(404);
    expect((await call('outsider', 'GET', `/contacts/${anh}/timeline`)).status).toBe(404);
    expect((await call('outsider', 'PATCH', `/contacts/${anh}`, { name: 'hacked' })).status).toBe(404);
    expect((await call('outsider', 'POST', `/contacts/${anh}/merge`, { otherId: hung })).status).toBe(404);
    expect((await call('agent', 'POST', `/contacts/${anh}/merge`, { otherId: 999_999 })).status).toBe(404);
    expect(ids((await call('outsider', 'GET', '/contacts?limit=200')).json)).toEqual([]);
    expect((await call('agent', 'GET', `/contacts/${anh}`)).status).toBe(200);
    expect((await call('sup', 'GET', `/contacts/${anh}`)).status).toBe(200);
    expect((await call(null, 'GET', '/contacts')).status).toBe(401);
    expect((await call('agent', 'POST', '/contacts/import', 'name\nLan\n', 'text/csv')).status).toBe(403);
    expect((await call('agent', 'GET', '/contacts/export.csv')).status).toBe(403);
    expect((await call('outsider', 'GET', '/contacts/export.csv')).status).toBe(403);
  });

  test('PATCH validates every field and normalises the phone', async () => {
    const { call } = h;
    const patch = (body: unknown) => call('agent', 'PATCH', `/contacts/${hung}`, body);
    expect((await patch({})).status).toBe(400);
    expect((await patch({ phone: 'gọi em' })).json.error.code).toBe('GW_ERR_VALIDATION');
    expect((await patch({ labels: Array.from({ length: 51 }, (_, i) => `l${i}`) })).status).toBe(400);
    expect((await patch({ labels: ['x'.repeat(65)] })).status).toBe(400);
    expect((await patch({ labels: ['  '] })).status).toBe(400);
    expect((await patch({ attributes: { nested: { a: 1 } } })).status).toBe(400);
    expect((await patch({ attributes: { list: [1, 2] } })).status).toBe(400);
    expect((await patch({ notes: 'x'.repeat(10_001) })).status).toBe(400);
    expect((await patch({ email: 'not-an-email' })).status).toBe(400);
    expect((await patch({ avatarUrl: 'javascript:alert(1)' })).status).toBe(400);
    expect((await patch({ unknown: 1 })).status).toBe(400);
    expect((await patch({ emailVerified: true, email: null })).status).toBe(400);

    const ok = await patch({ phone: '0168 812 3456', notes: 'Khách quen', labels: ['sỉ', 'sỉ', 'lẻ'], attributes: { orders: 3, wholesale: true, city: 'Đà Nẵng' } });
    expect(ok.status).toBe(200);
    expect(ok.json.contact).toMatchObject({ phone: '0168 812 3456', phoneE164: '+84388123456', phoneVerified: false, notes: 'Khách quen', labels: ['sỉ', 'lẻ'], attributes: { orders: 3, wholesale: true, city: 'Đà Nẵng' } });
    // Attributes are merged; null removes one. The e-mail the platform verified stays verified.
    const again = await patch({ attributes: { city: null, orders: 4 } });
    expect(again.json.contact).toMatchObject({ attributes: { orders: 4, wholesale: true }, email: 'Hung.Tran@Example.vn', emailVerified: true });
    expect((await patch({ email: 'hung.tran@example.vn' })).json.contact.emailVerified).toBe(true);
    expect((await patch({ email: 'other@example.vn' })).json.contact.emailVerified).toBe(false);
    expect((await patch({ phone: null })).json.contact).toMatchObject({ phone: null, phoneE164: null, phoneVerified: false });
  });

  test('CSV import reports rejected rows with their line; matching rows update; export neutralises formulas and imports back', async () => {
    const { call } = h;
    const csv = [
      'Name,Phone,Email,Labels,Notes,attr.city,attr.Nguồn',
      'Phạm Quỳnh,0903 111 222,quynh@example.vn,vip;sỉ,,Hà Nội,hội chợ', // 2 created
      'Sai số,12345,,,,,', // 3 rejected: phone
      ',,,,,,', // 4 rejected: nothing to know them by
      '"Nguyễn Thị Ánh",+84912345678,,mới,"dòng 1', // 5 updates Ánh by phone (notes span two lines)
      'dòng 2",,', //   (line 6 is the rest of row 5)
      'Thiếu cột,0903 333 444', // 7 rejected: field count
      'Email sai,,khong-phai-email,,,,', // 8 rejected: e-mail
      '=HYPERLINK("http://evil.example"),0903 555 666,,,,,', // 9 created (a formula-looking name is just text)
      '',
      'Quỳnh mới,,QUYNH@example.vn,,,,', // 11 updates Quỳnh by e-mail
    ].join('\r\n');
    const report = await call('sup', 'POST', '/contacts/import', csv, 'text/csv');
    expect(report.status).toBe(200);
    expect(report.json).toEqual({
      created: 2,
      updated: 2,
      rejected: [
        { line: 3, reason: 'phone: is not a phone number' },
        { line: 4, reason: 'no name, phone or e-mail' },
        { line: 7, reason: '2 fields where the header has 7' },
        { line: 8, reason: expect.stringMatching(/^email: /) },
      ],
    });
    const anhNow = (await call('sup', 'GET', `/contacts/${anh}`)).json.contact;
    expect(anhNow).toMatchObject({ name: 'Nguyễn Thị Ánh', phone: '+84912345678', phoneE164: '+84912345678', phoneVerified: true, notes: 'dòng 1\r\ndòng 2', labels: ['vip', 'bảo hành', 'mới'] });
    const quynh = (await call('sup', 'GET', `/contacts?q=${encodeURIComponent('quynh@example')}`)).json.contacts;
    expect(quynh).toHaveLength(1);
    expect(quynh[0]).toMatchObject({ name: 'Quỳnh mới', phoneE164: '+84903111222', email: 'QUYNH@example.vn', emailVerified: false, labels: ['vip', 'sỉ'], attributes: { city: 'Hà Nội', Nguồn: 'hội chợ' } });

    // Header problems refuse the whole file.
    expect((await call('sup', 'POST', '/contacts/import', 'name,phone_number\nLan,0912\n', 'text/csv')).json.error.message).toContain('unknown column "phone_number"');
    expect((await call('sup', 'POST', '/contacts/import', '', 'text/csv')).status).toBe(400);
    expect((await call('sup', 'POST', '/contacts/import', { name: 'Lan' })).status).toBe(400);
    expect((await call('sup', 'POST', '/contacts/import', `name\n${'Lan\n'.repeat(10_001)}`, 'text/csv')).status).toBe(400);
    expect((await call('sup', 'POST', '/contacts/import', `name,notes\n${`Lan,${'x'.repeat(999)}\n`.repeat(5300)}`, 'text/csv')).status).toBe(413);

    const exported = await call('admin', 'GET', '/contacts/export.csv');
    expect(exported.status).toBe(200);
    const lines = exported.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('id,name,phone,email,labels,channels,notes,last_activity_at,attr.Nguồn,attr.city,attr.orders,attr.wholesale,attr.zaloFollower');
    expect(exported.text).toContain(`"'=HYPERLINK(""http://evil.example"")",0903 555 666`);
    expect(exported.text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    // The imported "+84…" replaced the phone: a leading + is neutralised too, and taken off again on import.
    expect(exported.text).toContain(`${anh},Nguyễn Thị Ánh,'+84912345678,,vip;bảo hành;mới,zalo,"dòng 1\r\ndòng 2"`);
    // The file imports back: every row matches the contact it came from (by phone or e-mail) or has neither.
    const back = await call('sup', 'POST', '/contacts/import', exported.text, 'text/csv');
    expect(back.status).toBe(200);
    expect(back.json.rejected.filter((r: { reason: string }) => r.reason !== 'no name, phone or e-mail')).toEqual([]);
    expect((await call('sup', 'GET', `/contacts/${anh}`)).json.contact).toMatchObject({ phone: '+84912345678', phoneVerified: true, labels: ['vip', 'bảo hành', 'mới'] });
    const evil = (await call('sup', 'GET', `/contacts?q=${encodeURIComponent('0903 555 666')}`)).json.contacts;
    expect(evil.map((c: { name: string }) => c.name)).toEqual(['=HYPERLINK("http://evil.example")']);
  });
});
