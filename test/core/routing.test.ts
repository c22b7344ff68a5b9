import { pickAgent } from '../../src/routing/assignment-policy';
import { upsertAgent } from '../../src/store/repos/agents';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';

describe('assignment policy', () => {
  const c = (agentId: number, open: number, cap: number, lastAssignedAt: number) => ({ agentId, open, cap, lastAssignedAt });
  test('round robin picks the least recently assigned agent with room', () => {
    expect(pickAgent([c(1, 0, 2, 30), c(2, 1, 2, 10), c(3, 2, 2, 0)], 'round_robin')).toBe(2);
  });
  test('least busy picks the fewest open conversations', () => {
    expect(pickAgent([c(1, 1, 3, 0), c(2, 0, 3, 50), c(3, 2, 3, 10)], 'least_busy')).toBe(2);
  });
  test('nobody with room, or manual routing, assigns no one', () => {
    expect(pickAgent([c(1, 2, 2, 0)], 'round_robin')).toBeNull();
    expect(pickAgent([c(1, 0, 2, 0)], 'manual')).toBeNull();
  });
});

describe.each(testDatabases().map((d) => [d.kind, d] as const))('auto-routing on %s', (_kind, database) => {
  let h: Harness;
  let agents: number[];

  const setup = async (routing: 'round_robin' | 'least_busy') => {
    const { store } = await database.open();
    h = await startHarness(store);
    await h.gw.db.updateTable('inboxes').set({ settings: JSON.stringify({ routing }) }).where('id', '=', h.inbox.id).execute();
    agents = [];
    for (const [i, cap] of [[1, 2], [2, 2], [3, 1]] as const) {
      const a = await upsertAgent(h.gw.db, { email: `a${i}@anphat.vn`, name: `Agent ${i}`, role: 'agent', password: 'password-123456' });
      await h.gw.db.updateTable('agents').set({ max_conversations: cap }).where('id', '=', a.id).execute();
      await h.gw.db.insertInto('inbox_members').values({ inbox_id: h.inbox.id, agent_id: a.id }).execute();
      agents.push(a.id);
    }
  };
  afterEach(async () => h?.gw.close());

  const newWaiting = async (user: string) => {
    const r = await h.fake.receive(user, 'cần người hỗ trợ');
    await h.gw.router.idle();
    return r.conversationId!;
  };
  const assigneeOf = async (id: number) => (await h.gw.db.selectFrom('conversations').select(['assignee_id', 'status']).where('id', '=', id).executeTakeFirstOrThrow());

  test('round robin rotates over online agents, respects caps, skips offline agents, and queues the rest', async () => {
    await setup('round_robin');
    for (const id of agents.slice(0, 2)) h.gw.presence.set(id, 'online');
    const convs = [];
    for (let i = 0; i < 5; i++) convs.push(await newWaiting(`u${i}`));
    const assigned = await Promise.all(convs.map(assigneeOf));
    expect(assigned.map((a) => a.assignee_id)).toEqual([agents[0], agents[1], agents[0], agents[1], null]);
    expect(assigned[4]!.status).toBe('pending');
    expect(assigned.some((a) => a.assignee_id === agents[2])).toBe(false); // offline gets nothing

    h.gw.presence.set(agents[2]!, 'online'); // comes online: the queue drains
    await h.gw.router.idle();
    await h.gw.router.idle();
    expect((await assigneeOf(convs[4]!)).assignee_id).toBe(agents[2]);

    const sixth = await newWaiting('u5');
    expect((await assigneeOf(sixth)).assignee_id).toBeNull(); // everyone is full
    await h.gw.actions.resolve(convs[0]!, { type: 'agent', id: agents[0]! });
    await h.gw.router.idle();
    await h.gw.router.idle();
    expect((await assigneeOf(sixth)).assignee_id).toBe(agents[0]); // freed up → takes the waiting one
  });

  test('least busy gives the next conversation to the agent with the fewest open ones', async () => {
    await setup('least_busy');
    h.gw.presence.set(agents[0]!, 'online');
    const first = await newWaiting('v1');
    expect((await assigneeOf(first)).assignee_id).toBe(agents[0]);
    for (const id of agents) h.gw.presence.set(id, 'online');
    await h.gw.router.idle();
    const second = await newWaiting('v2');
    const third = await newWaiting('v3');
    const got = [(await assigneeOf(second)).assignee_id, (await assigneeOf(third)).assignee_id];
    expect(got).not.toContain(agents[0]);
    expect(new Set(got).size).toBe(2);
    const log = await h.gw.db.selectFrom('conversation_events').select(['type', 'actor_type']).where('conversation_id', '=', first).where('type', '=', 'conversation.assigned').execute();
    expect(log).toEqual([{ type: 'conversation.assigned', actor_type: 'system' }]);
  });
});
