import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { ReportConversationsTable, ReportSurveysTable } from '../store/schema';
import type { Db } from '../store/unit-of-work';
import type { Period } from './figures';
import { splitDays, utcDay } from './time-buckets';

/**
 * The counts of the summary per UTC day × inbox × team × agent (migration 0010,
 * `report_conversation_days` and `report_handoff_days`): what each report_conversations
 * and report_surveys row contributes, at the instant that decides which period counts it
 * — creation for the bot/24-hour counts, the last resolution for FCR, the survey event for
 * CSAT/NPS. One definition serves the writer (deltas of a rewrite) and the reports (the
 * raw rows at a period's partial edge days).
 */
export const COUNT_FIELDS = [
  'created',
  'within24',
  'bot_handled',
  'contained',
  'handed_off',
  'resolved',
  'fcr',
  'bot_resolved',
  'bot_fcr',
  'csat_sent',
  'csat_answered',
  'csat_satisfied',
  'csat_total',
  'nps_answered',
  'promoters',
  'passives',
  'detractors',
] as const;
export type CountField = (typeof COUNT_FIELDS)[number];
export type Counts = Record<CountField, number>;

export type CountedConversation = Pick<Selectable<ReportConversationsTable>, 'inbox_id' | 'channel' | 'team_id' | 'agent_id' | 'created_at' | 'bot_handled' | 'handoff_reason' | 'contained' | 'first_resolved_at' | 'last_resolved_at' | 'fcr' | 'bot_resolved'>;
export type CountedSurvey = Pick<Selectable<ReportSurveysTable>, 'inbox_id' | 'channel' | 'team_id' | 'agent_id' | 'kind' | 'event' | 'at' | 'score'>;

/** One contribution: `n` added to `field` (or, for `handed_off`, also to `reason`) at instant `at`. */
export interface Contribution {
  at: Date;
  inbox_id: number;
  channel: string;
  team_id: number;
  agent_id: number;
  field: CountField;
  n: number;
  reason?: string;
}

export function contributions(conversation: CountedConversation | null | undefined, surveys: readonly CountedSurvey[]): Contribution[] {
  const out: Contribution[] = [];
  const dims = (r: { inbox_id: number; channel: string; team_id: number | null; agent_id: number | null }) => ({ inbox_id: r.inbox_id, channel: r.channel, team_id: r.team_id ?? 0, agent_id: r.agent_id ?? 0 });
  if (conversation) {
    const c = conversation;
    const d = dims(c);
    const add = (at: Date, field: CountField, extra: Partial<Contribution> = {}) => out.push({ at, ...d, field, n: 1, ...extra });
    add(c.created_at, 'created');
    if (c.first_resolved_at && c.first_resolved_at.getTime() - c.created_at.getTime() <= 86_400_000) add(c.created_at, 'within24');
    if (c.bot_handled) {
      add(c.created_at, 'bot_handled');
      if (c.contained) add(c.created_at, 'contained');
      if (c.handoff_reason !== null) add(c.created_at, 'handed_off', { reason: c.handoff_reason });
    }
    if (c.last_resolved_at) {
      add(c.last_resolved_at, 'resolved');
      if (c.fcr) add(c.last_resolved_at, 'fcr');
      if (c.bot_resolved) add(c.last_resolved_at, 'bot_resolved');
      if (c.bot_resolved && c.fcr) add(c.last_resolved_at, 'bot_fcr');
    }
  }
  for (const s of surveys) {
    const d = dims(s);
    const add = (field: CountField, n = 1) => out.push({ at: s.at, ...d, field, n });
    if (s.kind === 'csat' && s.event === 'sent') add('csat_sent');
    if (s.event !== 'answered' || s.score === null) continue;
    if (s.kind === 'csat') {
      add('csat_answered');
      if (s.score >= 4) add('csat_satisfied');
      add('csat_total', s.score);
    } else if (s.kind === 'nps') {
      add('nps_answered');
      add(s.score >= 9 ? 'promoters' : s.score >= 7 ? 'passives' : 'detractors');
    }
  }
  return out;
}

export const zeroCounts = (): Counts => Object.fromEntries(COUNT_FIELDS.map((f) => [f, 0])) as Counts;

/**
 * The change a rewrite makes to the day tables: new contributions minus old, per key,
 * keys in one fixed order (lock order between writers), unchanged keys left out.
 */
export function countDeltas(before: readonly Contribution[], after: readonly Contribution[]) {
  const sums = new CountSums();
  for (const c of before) sums.add(c, -1);
  for (const c of after) sums.add(c, 1);
  return sums.rows();
}

/** Contributions summed per day key (and per handoff reason). */
class CountSums {
  private readonly days = new Map<string, { day: string; inbox_id: number; channel: string; team_id: number; agent_id: number } & Counts>();
  private readonly handoffs = new Map<string, { day: string; inbox_id: number; channel: string; team_id: number; agent_id: number; reason: string; n: number }>();

  add(c: Contribution, sign: number): void {
    const { days, handoffs } = this;
    const day = utcDay(c.at);
    const key = `${day}|${pad(c.inbox_id)}|${pad(c.team_id)}|${pad(c.agent_id)}`;
    const row = days.get(key) ?? { day, inbox_id: c.inbox_id, channel: c.channel, team_id: c.team_id, agent_id: c.agent_id, ...zeroCounts() };
    row[c.field] += sign * c.n;
    days.set(key, row);
    if (c.reason !== undefined) {
      const hk = `${key}|${c.reason}`;
      const h = handoffs.get(hk) ?? { day, inbox_id: c.inbox_id, channel: c.channel, team_id: c.team_id, agent_id: c.agent_id, reason: c.reason, n: 0 };
      h.n += sign * c.n;
      handoffs.set(hk, h);
    }
  }

  /** The non-zero rows, keys in one fixed order. */
  rows() {
    const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    return {
      days: sorted(this.days).filter((r) => COUNT_FIELDS.some((f) => r[f] !== 0)),
      handoffs: sorted(this.handoffs).filter((h) => h.n !== 0),
    };
  }
}
const pad = (n: number) => String(n).padStart(10, '0');

export async function applyCountDeltas(db: Db, deltas: ReturnType<typeof countDeltas>): Promise<void> {
  if (deltas.days.length > 0) {
    await db
      .insertInto('report_conversation_days')
      .values(deltas.days)
      .onConflict((oc) => oc.columns(['day', 'inbox_id', 'team_id', 'agent_id']).doUpdateSet(Object.fromEntries(COUNT_FIELDS.map((f) => [f, sql`report_conversation_days.${sql.ref(f)} + excluded.${sql.ref(f)}`]))))
      .execute();
  }
  if (deltas.handoffs.length > 0) {
    await db
      .insertInto('report_handoff_days')
      .values(deltas.handoffs)
      .onConflict((oc) => oc.columns(['day', 'inbox_id', 'team_id', 'agent_id', 'reason']).doUpdateSet({ n: sql`report_handoff_days.n + excluded.n` }))
      .execute();
  }
}

/**
 * Recomputes both count tables from report_conversations and report_surveys (inside the
 * caller's transaction: the migration's backfill and the end of a full rebuild), reading
 * the conversations in batches.
 */
export async function recomputeCountDays(db: Db, batchSize = 5000): Promise<void> {
  await sql`DELETE FROM report_conversation_days`.execute(db);
  await sql`DELETE FROM report_handoff_days`.execute(db);
  const sums = new CountSums();
  for (let after = 0; ; ) {
    const conversations = await db.selectFrom('report_conversations').selectAll().where('conversation_id', '>', after).orderBy('conversation_id').limit(batchSize).execute();
    if (conversations.length === 0) break;
    const last = conversations.at(-1)!.conversation_id;
    const surveys = await db.selectFrom('report_surveys').selectAll().where('conversation_id', '>', after).where('conversation_id', '<=', last).execute();
    for (const c of contributions(null, surveys)) sums.add(c, 1);
    for (const conversation of conversations) for (const c of contributions(conversation, [])) sums.add(c, 1);
    after = last;
  }
  const rows = sums.rows();
  for (let i = 0; i < rows.days.length; i += 1000) await db.insertInto('report_conversation_days').values(rows.days.slice(i, i + 1000)).execute();
  for (let i = 0; i < rows.handoffs.length; i += 1000) await db.insertInto('report_handoff_days').values(rows.handoffs.slice(i, i + 1000)).execute();
}

/** A period's counts per channel × agent × team (0 = none), and the handoffs per reason. */
export interface PeriodCounts {
  rows: ({ channel: string; agent: number; team: number } & Counts)[];
  handoffsByReason: Record<string, number>;
}

type Run = <T>(query: RawBuilder<T>) => Promise<T[]>;

/** The summary's counts for a period: the whole days from the day tables, the partial days at its ends from the raw rows. */
export async function periodCounts(run: Run, p: Period, where: RawBuilder<unknown>): Promise<PeriodCounts> {
  const { days, edges } = splitDays(p);
  const inDays = days ? sql`day >= ${days.from}::date and day < ${days.to}::date` : sql`false`;
  const [dayRows, handoffRows, edgeConversations, edgeSurveys] = await Promise.all([
    run(sql<{ channel: string; agent: number; team: number } & Counts>`
      select channel, agent_id as agent, team_id as team, ${sql.join(COUNT_FIELDS.map((f) => sql`sum(${sql.ref(f)})::int as ${sql.ref(f)}`))}
      from report_conversation_days where ${inDays} ${where} group by 1, 2, 3`),
    run(sql<{ reason: string; n: number }>`select reason, sum(n)::int as n from report_handoff_days where ${inDays} ${where} group by reason`),
    edges.length === 0
      ? []
      : run(
          sql<Selectable<ReportConversationsTable>>`${sql.join(
            edges.flatMap((e) => ['created_at', 'last_resolved_at'].map((col) => sql`select * from report_conversations where ${sql.ref(col)} >= ${e.from} and ${sql.ref(col)} < ${e.to} ${where}`)),
            sql` union `,
          )}`,
        ),
    edges.length === 0 ? [] : run(sql<Selectable<ReportSurveysTable>>`${sql.join(edges.map((e) => sql`select * from report_surveys where at >= ${e.from} and at < ${e.to} ${where}`), sql` union all `)}`),
  ]);
  const rows = new Map<string, PeriodCounts['rows'][number]>();
  const rowOf = (channel: string, agent: number, team: number) => {
    const key = `${channel}|${agent}|${team}`;
    return rows.get(key) ?? rows.set(key, { channel, agent, team, ...zeroCounts() }).get(key)!;
  };
  for (const r of dayRows) {
    const row = rowOf(r.channel, r.agent, r.team);
    for (const f of COUNT_FIELDS) row[f] += r[f];
  }
  const handoffsByReason: Record<string, number> = Object.fromEntries(handoffRows.filter((r) => r.n !== 0).map((r) => [r.reason, r.n]));
  const inEdge = (at: Date) => edges.some((e) => at >= e.from && at < e.to);
  const edgeContributions = [...edgeConversations.flatMap((c) => contributions(c, [])), ...contributions(null, edgeSurveys)];
  for (const c of edgeContributions) {
    if (!inEdge(c.at)) continue;
    rowOf(c.channel, c.agent_id, c.team_id)[c.field] += c.n;
    if (c.reason !== undefined) handoffsByReason[c.reason] = (handoffsByReason[c.reason] ?? 0) + c.n;
  }
  return { rows: [...rows.values()], handoffsByReason };
}
