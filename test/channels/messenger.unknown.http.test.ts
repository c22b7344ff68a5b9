import { echoItem, signedWebhook, textItem } from '../../channels/messenger/simulator';
import { testDatabases } from '../support/databases';
import { waitFor } from '../support/wait';
import { APP_ID, messengerWorld, PAGE, SECRET, type MessengerWorld } from './messenger-harness';

/**
 * issue #9: a send whose result is ambiguous (Meta took the request, no answer came) ends
 * `unknown`, is never resent by itself, is confirmed by its echo (our metadata marker), and
 * can be sent again by an agent only after the echo had its chance; a failed one at once.
 */
describe.each(testDatabases().map((d) => [d.kind, d] as const))('Messenger sends with an unknown result on %s', (_kind, database) => {
  let world: MessengerWorld;

  beforeEach(async () => {
    world = await messengerWorld(database, { graphTimeoutMs: 300 });
  });
  afterEach(async () => {
    await world?.close();
  });

  const latestOut = () => world.gw.db.selectFrom('messages').select(['id', 'conversation_id', 'status', 'error', 'external_id']).where('direction', '=', 'out').orderBy('id', 'desc').executeTakeFirst();
  const outMessage = async () => (await latestOut())!;
  const outStatus = async (status: string) => ((await latestOut())?.status === status ? true : undefined);
  const retry = async (conversationId: number, messageId: number) =>
    fetch(`${world.url}/api/v1/conversations/${conversationId}/messages/${messageId}/retry`, { method: 'POST', headers: { authorization: `Bearer ${await world.adminToken()}` } });
  const contactWrites = async (psid: string, text: string, mid: string) => {
    const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid, text, mid })], SECRET);
    expect((await world.post(body, headers)).status).toBe(200);
  };

  test('a timed-out send is unknown, not resent, and its echo confirms it', async () => {
    world.graph.hangNext(1);
    await contactWrites('2400000000000101', 'Shop ơi', 'm_u1');
    await waitFor(() => outStatus('unknown'), 5_000);
    const msg = await outMessage();
    expect(msg.error).toMatch(/may have been sent/);
    await new Promise((r) => setTimeout(r, 1_500)); // the dispatcher's polls pass: nothing resent
    const sends = world.graph.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages') && (c.body as { message?: unknown }).message);
    expect(sends).toHaveLength(1);
    // too early for an agent to resend: the echo may still come
    const early = await retry(msg.conversation_id, msg.id);
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: { message: string } }).error.message).toMatch(/may still confirm/);
    // the echo arrives, carrying our marker
    const sent = sends[0]!.body as { message: { text: string; metadata: string } };
    const echo = signedWebhook(PAGE, [echoItem({ pageId: PAGE, psid: '2400000000000101', text: sent.message.text, mid: 'm_echo_u1', appId: APP_ID, metadata: sent.message.metadata })], SECRET);
    expect((await world.post(echo.body, echo.headers)).status).toBe(200);
    await waitFor(() => outStatus('delivered'));
    expect(await outMessage()).toMatchObject({ external_id: 'm_echo_u1' });
    expect((await retry(msg.conversation_id, msg.id)).status).toBe(409);
  });

  test('without an echo, an agent may send an unknown message again after the hold; a failed one at once', async () => {
    world.graph.hangNext(1);
    await contactWrites('2400000000000102', 'Còn hàng không', 'm_u2');
    await waitFor(() => outStatus('unknown'), 5_000);
    const msg = await outMessage();
    // five minutes pass without an echo
    await world.gw.db.updateTable('outbox').set({ updated_at: new Date(Date.now() - 6 * 60_000) }).where('message_id', '=', msg.id).execute();
    const res = await retry(msg.conversation_id, msg.id);
    expect(res.status).toBe(202);
    await waitFor(() => outStatus('sent'));

    world.graph.failNext(1, { code: 100, message: '(#100) Invalid parameter' });
    await contactWrites('2400000000000102', 'Alo', 'm_u3');
    await waitFor(() => outStatus('failed'));
    const failed = await outMessage();
    expect((await retry(failed.conversation_id, failed.id)).status).toBe(202);
    await waitFor(() => outStatus('sent'));
    // a sent message cannot be "retried"
    expect((await retry(failed.conversation_id, failed.id)).status).toBe(409);
  });

  test('a message a dead node left "sending" is marked unknown, not resent, and the conversation goes on', async () => {
    await contactWrites('2400000000000103', 'Xin chào', 'm_u4');
    await waitFor(() => outStatus('sent'));
    const conversationId = (await outMessage()).conversation_id;
    // A node claimed the next reply and died before finishing: its row stays `sending`.
    await world.gw.dispatcher.stop();
    const lost = await world.gw.outbound.post(conversationId, { content: { type: 'text', text: 'Tin bị bỏ dở' }, sender: { type: 'bot' } });
    await world.gw.db.updateTable('outbox').set({ status: 'sending', attempts: 1, updated_at: new Date(Date.now() - 2 * 60_000) }).where('message_id', '=', lost.id).execute();
    await world.gw.outbound.post(conversationId, { content: { type: 'text', text: 'Tin tiếp theo' }, sender: { type: 'bot' } });
    world.gw.dispatcher.start();
    await waitFor(() => outStatus('sent'));
    const lostNow = await world.gw.db.selectFrom('messages').select(['status', 'error']).where('id', '=', lost.id).executeTakeFirstOrThrow();
    expect(lostNow.status).toBe('unknown');
    expect(lostNow.error).toMatch(/stopped while sending/);
    const texts = world.graph.sentMessages().map((c) => (c.body as { message: { text?: string } }).message.text);
    expect(texts).toContain('Tin tiếp theo');
    expect(texts).not.toContain('Tin bị bỏ dở');
  });
});
