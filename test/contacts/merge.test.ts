import type { Gateway } from '../../src/server/gateway';
import { testDatabases } from '../support/databases';
import { contactIdOf, startContactsHarness, type ContactsHarness } from './contacts-harness';

/** Everything a merge may touch, as rows (timestamps of the contact rows aside: an undo is a change too). */
async function state(gw: Gateway) {
  const contacts = await gw.db.selectFrom('contacts').select(['id', 'name', 'phone', 'phone_e164', 'phone_verified', 'email', 'email_verified', 'avatar_url', 'notes', 'labels', 'attributes', 'merged_into_id']).orderBy('id').execute();
  const identities = await gw.db.selectFrom('contact_identities').select(['id', 'contact_id', 'channel', 'account_id', 'external_id', 'follower']).orderBy('id').execute();
  const conversations = await gw.db.selectFrom('conversations').select(['id', 'contact_id', 'identity_id', 'inbox_id']).orderBy('id').execute();
  return { contacts, identities, conversations };
}

describe.each(testDatabases().map((d) => [d.kind, d] as const))('contact merge and undo on %s', (_kind, database) => {
  let h: ContactsHarness;

  beforeAll(async () => {
    const { store } = await database.open();
    h = await startContactsHarness(store);
  });
  afterAll(async () => h?.gw.close());

  test('a merge keeps every identity and conversation, each identity goes on in its own, and the undo restores exactly', async () => {
    const { gw, zalo, messenger, call } = h;
    // Two Zalo users (one phone shared in a family, say) and the same person on Messenger.
    const conv1 = (await zalo.receive('zu-1', 'Xin chào shop')).conversationId!;
    const conv2 = (await zalo.receive('zu-2', 'Cho em hỏi bảo hành')).conversationId!;
    const conv3 = (await messenger.receive('psid-3', 'hello')).conversationId!;
    await zalo.profile('zu-1', { name: 'Nguyễn Văn An' });
    await zalo.profile('zu-2', { name: 'An (vợ)', phone: '0912 345 678' });
    await messenger.profile('psid-3', { name: 'An Nguyen', avatarUrl: 'https://cdn.example.vn/an.jpg' });
    const [a, b, c] = [await contactIdOf(gw, 'zalo', 'zu-1'), await contactIdOf(gw, 'zalo', 'zu-2'), await contactIdOf(gw, 'messenger', 'psid-3')];
    expect(new Set([a, b, c]).size).toBe(3);
    expect((await call('agent', 'PATCH', `/contacts/${a}`, { labels: ['vip'], attributes: { tier: 'gold' } })).status).toBe(200);
    expect((await call('agent', 'PATCH', `/contacts/${b}`, { labels: ['bảo hành'], attributes: { tier: 'silver', city: 'Hà Nội' }, notes: 'Gọi sau 18h' })).status).toBe(200);
    const before = await state(gw);

    // Refusals: into itself, an unknown contact.
    expect((await call('agent', 'POST', `/contacts/${a}/merge`, { otherId: a })).status).toBe(400);
    expect((await call('agent', 'POST', `/contacts/${a}/merge`, { otherId: 999_999 })).status).toBe(404);

    const first = await call('agent', 'POST', `/contacts/${a}/merge`, { otherId: b });
    expect(first.status).toBe(200);
    expect(first.json.merge).toMatchObject({ survivorId: a, mergedId: b, mergedName: 'An (vợ)', reason: 'agent', undoneAt: null });
    // Blanks filled from the other, labels united, attributes: the survivor's win.
    expect(first.json.contact).toMatchObject({ id: a, name: 'Nguyễn Văn An', phone: '0912 345 678', phoneE164: '+84912345678', phoneVerified: true, notes: 'Gọi sau 18h', labels: ['vip', 'bảo hành'], attributes: { tier: 'gold', city: 'Hà Nội' }, mergedIntoId: null });
    // Into a merged contact, or a merged contact again: refused.
    expect((await call('agent', 'POST', `/contacts/${b}/merge`, { otherId: c })).status).toBe(400);
    expect((await call('agent', 'POST', `/contacts/${c}/merge`, { otherId: b })).status).toBe(400);
    const second = await call('agent', 'POST', `/contacts/${a}/merge`, { otherId: c });
    expect(second.status).toBe(200);

    const merged = await call('agent', 'GET', `/contacts/${a}`);
    expect(merged.json.identities.map((i: { externalId: string }) => i.externalId).sort()).toEqual(['psid-3', 'zu-1', 'zu-2']);
    expect(merged.json.conversations.map((cv: { id: number }) => cv.id).sort()).toEqual([conv1, conv2, conv3].sort());
    expect(merged.json.contact.channels).toEqual(['messenger', 'zalo']);
    expect(merged.json.merges.map((m: { id: number }) => m.id)).toEqual([second.json.merge.id, first.json.merge.id]);
    expect((await call('agent', 'GET', `/contacts/${b}`)).json.contact).toMatchObject({ id: b, mergedIntoId: a });
    // The merged contact is no longer listed.
    const listed = (await call('agent', 'GET', '/contacts?limit=200')).json.contacts.map((x: { id: number }) => x.id);
    expect(listed).toContain(a);
    expect(listed).not.toContain(b);

    // Each identity goes on in its own conversation, and replies reach the identity they are for.
    expect((await zalo.receive('zu-2', 'Máy vẫn lỗi')).conversationId).toBe(conv2);
    expect((await zalo.receive('zu-1', 'Shop ơi')).conversationId).toBe(conv1);
    expect((await messenger.receive('psid-3', 'any news?')).conversationId).toBe(conv3);
    for (const [conv, text] of [[conv2, 'Dạ em kiểm tra máy cho chị'], [conv1, 'Dạ shop nghe ạ'], [conv3, 'We are checking']] as const) {
      expect((await call('agent', 'POST', `/conversations/${conv}/messages`, { text })).status).toBe(201);
    }
    await gw.dispatcher.idle();
    expect(zalo.sentTo('zu-2').map((m) => (m.content as { text: string }).text)).toEqual(['Dạ em kiểm tra máy cho chị']);
    expect(zalo.sentTo('zu-1').map((m) => (m.content as { text: string }).text)).toEqual(['Dạ shop nghe ạ']);
    expect(messenger.sentTo('psid-3').map((m) => (m.content as { text: string }).text)).toEqual(['We are checking']);

    // The timeline holds every message of every channel, newest first, a page at a time.
    const page1 = await call('agent', 'GET', `/contacts/${a}/timeline?limit=4`);
    expect(page1.json.messages).toHaveLength(4);
    const all = [...page1.json.messages];
    for (let before = page1.json.nextBefore; before !== null; ) {
      const next = await call('agent', 'GET', `/contacts/${a}/timeline?limit=4&before=${before}`);
      all.push(...next.json.messages);
      before = next.json.nextBefore;
    }
    expect(all.map((m: { id: number }) => m.id)).toEqual([...all.map((m: { id: number }) => m.id)].sort((x, y) => y - x));
    expect(new Set(all.map((m: { channel: string }) => m.channel))).toEqual(new Set(['zalo', 'messenger']));
    expect(all.filter((m: { direction: string }) => m.direction === 'in')).toHaveLength(6);
    expect(all.find((m: { text: string }) => m.text === 'Máy vẫn lỗi')).toMatchObject({ conversationId: conv2, channel: 'zalo', senderType: 'contact' });

    // Undo newest first: the older merge waits for the later one.
    expect((await call('agent', 'POST', `/contact-merges/${first.json.merge.id}/undo`)).status).toBe(409);
    const undo2 = await call('agent', 'POST', `/contact-merges/${second.json.merge.id}/undo`);
    expect(undo2.status).toBe(200);
    expect(undo2.json.restored).toMatchObject({ id: c, mergedIntoId: null, channels: ['messenger'] });
    const undo1 = await call('agent', 'POST', `/contact-merges/${first.json.merge.id}/undo`);
    expect(undo1.status).toBe(200);
    expect(undo1.json.contact).toMatchObject({ id: a, phone: null, labels: ['vip'], attributes: { tier: 'gold' } });
    expect((await call('agent', 'POST', `/contact-merges/${first.json.merge.id}/undo`)).json.error.code).toBe('GW_ERR_CONFLICT');

    // Exactly as before: profiles, identities, conversations.
    expect(await state(gw)).toEqual(before);
    const log = await gw.db.selectFrom('contact_merges').selectAll().where('id', '=', first.json.merge.id).executeTakeFirstOrThrow();
    expect(log).toMatchObject({ survivor_id: a, merged_id: b, identity_ids: [before.identities.find((i) => i.external_id === 'zu-2')!.id], conversation_ids: [conv2] });
    expect(log.undone_at).not.toBeNull();
    expect(log.undone_by).not.toBeNull();
    // And each identity still goes on in its own conversation, now its own contact's again.
    expect((await zalo.receive('zu-2', 'Cảm ơn shop')).conversationId).toBe(conv2);
    expect((await call('agent', 'GET', `/contacts/${b}`)).json.conversations.map((cv: { id: number }) => cv.id)).toEqual([conv2]);
  });

  test('only verified phones and e-mails suggest merges', async () => {
    const { gw, zalo, messenger, call } = h;
    await zalo.receive('zu-10', 'Chào shop');
    await zalo.profile('zu-10', { name: 'Bình', phone: '+84 987 654 321' }); // the platform vouches for it
    await messenger.receive('psid-11', 'Chào');
    // Typed into a form: not verified.
    await gw.directory.updateContactProfile({ channel: 'messenger', accountId: 'page-1', externalUserId: 'psid-11' }, { phone: '0987654321', email: 'binh@example.vn' });
    const [z, m] = [await contactIdOf(gw, 'zalo', 'zu-10'), await contactIdOf(gw, 'messenger', 'psid-11')];
    expect((await call('agent', 'GET', `/contacts/${m}`)).json.contact).toMatchObject({ phoneE164: '+84987654321', phoneVerified: false, emailVerified: false });
    expect((await call('agent', 'GET', `/contacts/${z}/merge-suggestions`)).json.suggestions).toEqual([]);
    expect((await call('sup', 'GET', '/contact-merge-suggestions')).json.suggestions.filter((s: { a: { id: number } }) => s.a.id === z)).toEqual([]);

    // An agent confirms the number: now they are suggested, both ways and as a pair.
    const verified = await call('agent', 'PATCH', `/contacts/${m}`, { phoneVerified: true });
    expect(verified.json.contact).toMatchObject({ phoneVerified: true });
    expect((await call('agent', 'GET', `/contacts/${z}/merge-suggestions`)).json.suggestions).toEqual([{ contact: expect.objectContaining({ id: m }), reasons: ['phone'] }]);
    expect((await call('agent', 'GET', `/contacts/${m}/merge-suggestions`)).json.suggestions).toEqual([{ contact: expect.objectContaining({ id: z }), reasons: ['phone'] }]);
    const pairs = (await call('sup', 'GET', '/contact-merge-suggestions')).json.suggestions;
    expect(pairs).toContainEqual({ a: expect.objectContaining({ id: z }), b: expect.objectContaining({ id: m }), reasons: ['phone'] });
    // Not the outsider's contacts: nothing of them shows.
    expect((await call('outsider', 'GET', '/contact-merge-suggestions')).json.suggestions).toEqual([]);
    expect((await call('outsider', 'GET', `/contacts/${z}/merge-suggestions`)).status).toBe(404);

    // A different number replaces the verified one: no longer verified, no longer suggested.
    await gw.directory.updateContactProfile({ channel: 'messenger', accountId: 'page-1', externalUserId: 'psid-11' }, { phone: '0987 000 111' });
    expect((await call('agent', 'GET', `/contacts/${m}`)).json.contact).toMatchObject({ phoneE164: '+84987000111', phoneVerified: false });
    expect((await call('agent', 'GET', `/contacts/${z}/merge-suggestions`)).json.suggestions).toEqual([]);
  });

  test('with contacts.autoMerge, a newly verified value merges twins at once (reason auto), reversibly', async () => {
    const { gw, zalo, messenger, messengerInbox, call } = h;
    expect((await call('admin', 'PATCH', `/inboxes/${messengerInbox.id}`, { settings: { contacts: { autoMerge: 'yes' } } })).status).toBe(400);
    expect((await call('admin', 'PATCH', `/inboxes/${messengerInbox.id}`, { settings: { contacts: { autoMerge: true, typo: 1 } } })).status).toBe(400);
    expect((await call('admin', 'PATCH', `/inboxes/${messengerInbox.id}`, { settings: { contacts: { autoMerge: true } } })).status).toBe(200);

    // The Zalo inbox has no autoMerge: a verified e-mail there merges nothing.
    const zConv = (await zalo.receive('zu-20', 'Xin chào')).conversationId!;
    await zalo.profile('zu-20', { name: 'Lan', email: 'lan@example.vn' });
    const z = await contactIdOf(gw, 'zalo', 'zu-20');
    const mConv = (await messenger.receive('psid-21', 'Hi')).conversationId!;
    const m = await contactIdOf(gw, 'messenger', 'psid-21');
    expect(await gw.db.selectFrom('contact_merges').select('id').where('merged_id', 'in', [z, m]).execute()).toEqual([]);

    // Messenger (autoMerge on) vouches for the same e-mail, written in capitals: merged into the older contact.
    await messenger.profile('psid-21', { email: 'Lan@Example.VN' });
    const auto = await gw.db.selectFrom('contact_merges').selectAll().where('merged_id', '=', m).executeTakeFirstOrThrow();
    expect(auto).toMatchObject({ survivor_id: z, reason: 'auto', agent_id: null, conversation_ids: [mConv] });
    const detail = (await call('agent', 'GET', `/contacts/${z}`)).json;
    expect(detail.identities.map((i: { externalId: string }) => i.externalId).sort()).toEqual(['psid-21', 'zu-20']);
    expect(detail.merges[0]).toMatchObject({ id: auto.id, reason: 'auto', mergedId: m });
    expect((await messenger.receive('psid-21', 'still there?')).conversationId).toBe(mConv);
    expect((await zalo.receive('zu-20', 'Alo')).conversationId).toBe(zConv);

    expect((await call('agent', 'POST', `/contact-merges/${auto.id}/undo`)).status).toBe(200);
    expect(await contactIdOf(gw, 'messenger', 'psid-21')).toBe(m);
    expect((await call('agent', 'GET', `/contacts/${m}`)).json.conversations.map((c: { id: number }) => c.id)).toEqual([mConv]);
  });
});
