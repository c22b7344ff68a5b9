import { DAY, HOUR, ManualClock, MINUTE } from '../../src/core/clock';
import { FollowUpJob } from '../../src/follow-ups/follow-up-job';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';
import { waitFor } from '../support/wait';
import type { FollowUpJson } from '../../src/follow-ups/follow-up-store';

/** What the follow-up routes answer (loosely: each test reads the field it expects). */
type ApiBody = { followUp: FollowUpJson; followUps: FollowUpJson[]; error?: { code: string; message: string } };

const PASSWORD = 'password-123456';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('follow-ups: API and job on %s', (_kind, database) => {
  let h: Harness;
  let url: string;
  let clock: ManualClock;
  const tokens: Record<'lan' | 'outsider' | 'sup', string> = { lan: '', outsider: '', sup: '' };
  const agentIds: Record<'lan' | 'outsider' | 'sup', number> = { lan: 0, outsider: 0, sup: 0 };

  beforeEach(async () => {
    clock = new ManualClock('2026-03-10T03:00:00Z');
    const { store } = await database.open();
    h = await startHarness(store, { clock });
    const other = await createInbox(h.gw.db, { channel: 'fake', accountId: 'other-account', name: 'Other', botEnabled: false });
    url = await h.gw.listen();
    for (const [key, role, inbox] of [['lan', 'agent', h.inbox.id], ['outsider', 'agent', other.id], ['sup', 'supervisor', null]] as const) {
      const a = await upsertAgent(h.gw.db, { email: `${key}@anphat.vn`, name: key, role, password: PASSWORD });
      agentIds[key] = a.id;
      if (inbox) await h.gw.db.insertInto('inbox_members').values({ inbox_id: inbox, agent_id: a.id }).execute();
    }
    await signIn();
  });
  afterEach(async () => h?.gw.close());

  /** Sessions last 12 h on the gateway's clock: sign in again after moving it. */
  const signIn = async () => {
    for (const key of ['lan', 'outsider', 'sup'] as const) {
      const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${key}@anphat.vn`, password: PASSWORD }) });
      tokens[key] = ((await res.json()) as { token: string }).token;
    }
  };

  const call = async (who: keyof typeof tokens, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as ApiBody };
  };

  const conversationOf = async (userId: string) => {
    const r = await h.fake.receive(userId, 'máy giặt kêu to quá shop ơi');
    return r.conversationId!;
  };

  test('schedule "after 3 days", list, sent once at the due time as the agent; a second pass and a second node send nothing more', async () => {
    const conv = await conversationOf('u1');
    await h.gw.outbound.post(conv, { content: { type: 'text', text: 'Dạ kỹ thuật sẽ qua ạ' }, sender: { type: 'agent', id: agentIds.lan } });
    await h.gw.actions.resolve(conv, { type: 'agent', id: agentIds.lan });

    const created = await call('lan', 'POST', `/conversations/${conv}/follow-ups`, { text: 'Dạ máy giặt chạy ổn chưa ạ?', afterDays: 3 });
    expect(created.status).toBe(201);
    expect(created.body.followUp).toEqual({
      id: expect.any(Number),
      conversationId: conv,
      agentId: agentIds.lan,
      text: 'Dạ máy giặt chạy ổn chưa ạ?',
      dueAt: '2026-03-13T03:00:00.000Z',
      status: 'scheduled',
      reason: null,
      messageId: null,
      createdAt: expect.any(String),
    });
    const id = created.body.followUp.id as number;
    expect((await call('sup', 'GET', `/conversations/${conv}/follow-ups`)).body.followUps.map((f: { id: number; status: string }) => [f.id, f.status])).toEqual([[id, 'scheduled']]);

    clock.advance(3 * DAY - MINUTE);
    expect(await h.gw.followUps.runOnce()).toEqual([]);
    const repliesBefore = h.fake.sentTo('u1').length;

    clock.advance(MINUTE);
    // Two nodes' jobs at the same moment: the row lock lets exactly one send it.
    const secondNode = new FollowUpJob({ db: h.gw.db, actions: h.gw.actions, outbound: h.gw.outbound, clock, logger: h.gw.logger, channelOf: (c) => h.gw.channels.get(c), notifyBlocked: () => undefined });
    const [a, b] = await Promise.all([h.gw.followUps.runOnce(), secondNode.runOnce()]);
    expect([...a, ...b]).toEqual([{ id, status: 'sent', reason: null }]);
    expect(await h.gw.followUps.runOnce()).toEqual([]);

    const sent = await waitFor(() => (h.fake.sentTo('u1').length > repliesBefore ? h.fake.sentTo('u1').slice(repliesBefore) : undefined));
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.sentTo('u1').slice(repliesBefore)).toHaveLength(1);
    expect(sent[0]).toMatchObject({ content: { type: 'text', text: 'Dạ máy giặt chạy ổn chưa ạ?' }, senderType: 'agent', purpose: 'follow_up' });

    await signIn();
    const after = (await call('lan', 'GET', `/conversations/${conv}/follow-ups`)).body.followUps[0];
    expect(after).toMatchObject({ id, status: 'sent', reason: null, messageId: expect.any(Number) });
    const message = await h.gw.db.selectFrom('messages').select(['sender_type', 'sender_id', 'purpose', 'private']).where('id', '=', after!.messageId!).executeTakeFirstOrThrow();
    expect(message).toEqual({ sender_type: 'agent', sender_id: agentIds.lan, purpose: 'follow_up', private: false });
    // Sent after the resolution without reopening it: the contact's reply will.
    expect(await h.gw.db.selectFrom('conversations').select(['status', 'reopen_count']).where('id', '=', conv).executeTakeFirstOrThrow()).toEqual({ status: 'resolved', reopen_count: 0 });
  });

  test('cancel: nothing is sent; cancelling again is fine; a sent one cannot be cancelled', async () => {
    const conv = await conversationOf('u2');
    const dueAt = new Date(clock.now().getTime() + 2 * HOUR).toISOString();
    const first = (await call('lan', 'POST', `/conversations/${conv}/follow-ups`, { text: 'Hủy tin này', dueAt })).body.followUp;
    expect(first).toMatchObject({ dueAt, status: 'scheduled' });
    expect((await call('lan', 'DELETE', `/follow-ups/${first.id}`)).status).toBe(204);
    expect((await call('lan', 'DELETE', `/follow-ups/${first.id}`)).status).toBe(204);
    const second = (await call('sup', 'POST', `/conversations/${conv}/follow-ups`, { text: 'Tin này gửi', afterDays: 1 })).body.followUp;

    clock.advance(DAY);
    expect(await h.gw.followUps.runOnce()).toEqual([{ id: second.id, status: 'sent', reason: null }]);
    await waitFor(() => h.fake.sentTo('u2').find((m) => m.content.type === 'text' && m.content.text === 'Tin này gửi'));
    expect(h.fake.sentTo('u2').some((m) => m.content.type === 'text' && m.content.text === 'Hủy tin này')).toBe(false);
    await signIn();
    expect((await call('lan', 'GET', `/conversations/${conv}/follow-ups`)).body.followUps.map((f: { text: string; status: string }) => [f.text, f.status])).toEqual([
      ['Hủy tin này', 'cancelled'],
      ['Tin này gửi', 'sent'],
    ]);
    const late = await call('lan', 'DELETE', `/follow-ups/${second.id}`);
    expect(late).toEqual({ status: 409, body: { error: { code: 'GW_ERR_CONFLICT', message: 'this follow-up is already sent' } } });
  });

  test('who may: an agent outside the inbox gets 404 everywhere; input is checked', async () => {
    const conv = await conversationOf('u3');
    const mine = (await call('lan', 'POST', `/conversations/${conv}/follow-ups`, { text: 'hỏi thăm', afterDays: 3 })).body.followUp;
    expect((await call('outsider', 'POST', `/conversations/${conv}/follow-ups`, { text: 'x', afterDays: 1 })).status).toBe(404);
    expect((await call('outsider', 'GET', `/conversations/${conv}/follow-ups`)).status).toBe(404);
    expect((await call('outsider', 'DELETE', `/follow-ups/${mine.id}`)).status).toBe(404);
    expect((await call('lan', 'DELETE', `/follow-ups/999999`)).status).toBe(404);

    const bad = async (body: unknown) => (await call('lan', 'POST', `/conversations/${conv}/follow-ups`, body)).body.error?.code;
    expect(await bad({ text: 'x' })).toBe('GW_ERR_VALIDATION'); // neither
    expect(await bad({ text: 'x', afterDays: 1, dueAt: '2026-03-12T00:00:00Z' })).toBe('GW_ERR_VALIDATION'); // both
    expect(await bad({ text: '  ', afterDays: 1 })).toBe('GW_ERR_VALIDATION');
    expect(await bad({ text: 'x', afterDays: 0 })).toBe('GW_ERR_VALIDATION');
    expect(await bad({ text: 'x', afterDays: 366 })).toBe('GW_ERR_VALIDATION');
    expect(await bad({ text: 'x', dueAt: '2026-03-10T02:59:00Z' })).toBe('GW_ERR_VALIDATION'); // the past (gateway clock)
    expect(await bad({ text: 'x', dueAt: 'mai nhé' })).toBe('GW_ERR_VALIDATION');
    expect((await call('lan', 'GET', `/conversations/${conv}/follow-ups`)).body.followUps).toHaveLength(1);
  });
});
