import { sql } from 'kysely';
import { ManualClock, MINUTE } from '../../src/core/clock';
import { planActivity, type ActivityRow } from '../../src/reports/activity-links';
import { recomputeDayRollups } from '../../src/reports/day-rollups';
import { upsertAgent } from '../../src/store/repos/agents';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';

const at = (minute: number) => new Date(Date.UTC(2026, 3, 6, 1, minute));
const row = (minute: number, dims: Partial<ActivityRow> = {}): ActivityRow => ({ conversation_id: 7, inbox_id: 1, channel: 'fake', team_id: null, agent_id: null, contact_id: 3, at: at(minute), ...dims });
const linked = (minute: number, prev: number | null, dims: Partial<ActivityRow> = {}) => ({ ...row(minute, dims), prev_at: prev === null ? null : at(prev) });

describe('planActivity: what a rewrite of a conversation must write', () => {
  test('the same messages with the same dimensions: nothing', () => {
    expect(planActivity([linked(1, null), linked(5, 1)], [row(1), row(5)])).toEqual({ kind: 'same' });
    expect(planActivity([], [])).toEqual({ kind: 'same' });
  });

  test('the same messages under another assignee: the rows again, each keeping its link', () => {
    expect(planActivity([linked(5, 1), linked(1, null)], [row(1, { agent_id: 4 }), row(5, { agent_id: 4 })])).toEqual({
      kind: 'relabel',
      rows: [{ ...row(1, { agent_id: 4 }), prev_at: null }, { ...row(5, { agent_id: 4 }), prev_at: at(1) }],
    });
  });

  test('new messages after the stored ones: only those, relinked from the first of them', () => {
    expect(planActivity([linked(1, null)], [row(1), row(5), row(9)])).toEqual({ kind: 'append', rows: [row(5), row(9)], from: at(5) });
    expect(planActivity([], [row(2)])).toEqual({ kind: 'append', rows: [row(2)], from: at(2) });
  });

  test('anything else is a whole rewrite: a message gone, one inserted before the stored ones, or new messages under new dimensions', () => {
    expect(planActivity([linked(1, null), linked(5, 1)], [row(1)])).toEqual({ kind: 'rewrite' });
    expect(planActivity([linked(5, null)], [row(1), row(5)])).toEqual({ kind: 'rewrite' });
    expect(planActivity([linked(1, null)], [row(1, { team_id: 2 }), row(5, { team_id: 2 })])).toEqual({ kind: 'rewrite' });
  });
});

/**
 * The diffed writes against the from-scratch recomputation: contacts writing in several
 * conversations (a contact's chain crosses them), assignments between messages, rewrites
 * flushed after every step so each kind of plan runs many times.
 */
describe.each(testDatabases().map((d) => [d.kind, d] as const))('activity rows written by difference on %s', (_kind, database) => {
  let h: Harness;
  let clock: ManualClock;

  beforeAll(async () => {
    const { store } = await database.open();
    clock = new ManualClock(at(0));
    h = await startHarness(store, { clock });
  });
  afterAll(() => h?.gw.close());

  const snapshot = async () => ({
    links: await h.gw.db.selectFrom('report_activity').select(['conversation_id', 'agent_id', 'at', 'prev_at']).orderBy('conversation_id').orderBy('at').execute(),
    linkDays: await h.gw.db.selectFrom('report_activity_days').select(['channel', 'n', sql<string>`day::text`.as('d'), sql<string>`prev_day::text`.as('p')]).where('n', '<>', 0).orderBy('channel').orderBy('d').orderBy('p').execute(),
  });

  test('links and link counts equal those recomputed from scratch after every kind of change', async () => {
    const agent = (await upsertAgent(h.gw.db, { email: 'lan@anphat.vn', name: 'Lan', role: 'agent', password: 'password-123456' })).id;
    const conversations = new Map<string, number>();
    const say = async (user: string, text: string) => {
      clock.advance(7 * MINUTE);
      conversations.set(user, (await h.fake.receive(user, text)).conversationId!);
      await h.gw.rollups.flush();
    };
    for (let round = 0; round < 4; round++) {
      for (const user of ['u1', 'u2', 'u3']) await say(user, `tin ${round} của ${user}`);
      // Same messages, other dimensions: a relabel.
      await h.gw.actions.assign(conversations.get('u1')!, { agentId: agent }, { type: 'system' });
      await h.gw.rollups.flush();
      // u2's conversation ends and they come back after the reopen window: their next message
      // opens another conversation, so u2's chain crosses two.
      if (round === 1) {
        await h.gw.actions.resolve(conversations.get('u2')!, { type: 'agent', id: agent });
        await h.gw.rollups.flush();
        clock.advance(h.gw.config.reopenWindowMs + MINUTE);
      }
    }
    const kept = await snapshot();
    expect(kept.links.filter((l) => l.prev_at === null)).toHaveLength(3); // each contact's first message only
    expect(kept.links).toHaveLength(12);
    expect(kept.links.filter((l) => l.agent_id === agent)).toHaveLength(4);
    expect(new Set(kept.links.map((l) => l.conversation_id)).size).toBeGreaterThanOrEqual(4);
    await recomputeDayRollups(h.gw.db);
    expect(await snapshot()).toEqual(kept);
  });
});
