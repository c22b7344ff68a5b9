import { signedWebhook, textItem } from '../../channels/messenger/simulator';
import { testDatabases } from '../support/databases';
import { waitFor } from '../support/wait';
import { messengerWorld, PAGE, SECRET, type MessengerWorld } from './messenger-harness';

/**
 * issue #9, outage: the Graph API answers 500 for a while, then recovers. Replies queued
 * meanwhile are delivered in their order, none lost, none doubled.
 */
describe.each(testDatabases().map((d) => [d.kind, d] as const))('Messenger outage on %s', (_kind, database) => {
  let world: MessengerWorld;
  beforeEach(async () => {
    world = await messengerWorld(database);
  });
  afterEach(async () => {
    await world?.close();
  });

  test('replies queued during two seconds of 500s arrive afterwards in order, each once', async () => {
    world.graph.failFor(2_000, { code: 2, status: 500 });
    const psid = '2400000000000201';
    const texts = ['một', 'hai', 'ba', 'bốn', 'năm', 'sáu'];
    for (const [i, text] of texts.entries()) {
      const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid, text, mid: `m_out_${i}` })], SECRET);
      expect((await world.post(body, headers)).status).toBe(200);
    }
    const delivered = () => world.graph.sentMessages().filter((c) => (c.body as { recipient?: { id?: string } }).recipient?.id === psid);
    await waitFor(() => delivered().length >= texts.length || undefined, 20_000);
    await new Promise((r) => setTimeout(r, 500)); // nothing more comes
    expect(delivered().map((c) => (c.body as { message: { text: string } }).message.text)).toEqual(texts.map((t) => `Bot: ${t}`));
    // the outage was real: Meta answered 500 to attempts before it recovered
    expect(world.graph.calls.filter((c) => c.status === 500).length).toBeGreaterThan(0);
    const rows = await world.gw.db.selectFrom('messages').select(['status', 'error']).where('direction', '=', 'out').execute();
    expect(rows).toHaveLength(texts.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  }, 40_000);
});
