import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { openStore, type Store } from '../../src/store/database';
import { keepPlan, PreparedStatementPool } from '../../src/store/prepared-pool';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';

const postgres = testDatabases().find((d) => d.kind === 'postgres');
if (!postgres) process.stdout.write('notice: no PostgreSQL test server; prepared statement tests skipped\n');

type Prepared = { name: string; statement: string };

(postgres ? describe : describe.skip)('plans kept for the inbound statements on PostgreSQL', () => {
  const opened: { store: Store; h?: Harness }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await o.h?.gw.close();
      await o.store.close();
    }
  });

  /** A gateway on a fresh database with one connection, so pg_prepared_statements shows that connection's statements. */
  const oneConnectionGateway = async (preparedStatements: boolean) => {
    const { store: migrated, databaseUrl } = await postgres!.open();
    await migrated.close();
    const store = await openStore({ databaseUrl, dataDir: '', poolSize: 1, preparedStatements });
    const h = await startHarness(store);
    opened.push({ store, h });
    return h;
  };
  const preparedOn = async (h: Harness) => (await sql<Prepared>`select name, statement from pg_prepared_statements`.execute(h.gw.db)).rows;

  test('the statements every inbound message runs are prepared once and reused; nothing else is', async () => {
    const h = await oneConnectionGateway(true);
    for (const [i, text] of ['xin chào', 'còn hàng không?', 'cảm ơn shop'].entries()) await h.fake.receive('user-1', text, `mid.${i}`);
    await h.gw.rollups.flush();
    const prepared = await preparedOn(h);
    // The first message (a new contact) takes the general path, the next two the fast path's one statement.
    expect(prepared.map((p) => p.statement.match(/^(select \*, pg_advisory_xact_lock|select "ci"\."id"|with "m" as \(insert into "messages"|insert into "conversation_events"|select omnigate_inbound_message)/)?.[1] ?? p.statement).sort()).toEqual([
      'insert into "conversation_events"',
      'select "ci"."id"',
      'select *, pg_advisory_xact_lock',
      'select omnigate_inbound_message',
      'with "m" as (insert into "messages"',
    ]);
    for (const p of prepared) expect(p.statement.endsWith('/* prepared */')).toBe(true);
    // Three messages, each statement prepared once; the messages are all there.
    expect(new Set(prepared.map((p) => p.name)).size).toBe(5);
    expect((await h.gw.db.selectFrom('messages').select('text').orderBy('id').execute()).map((m) => m.text)).toEqual(['xin chào', 'còn hàng không?', 'cảm ơn shop']);
  });

  test('DATABASE_PREPARED_STATEMENTS=off (PgBouncer in transaction mode): nothing is prepared', async () => {
    const h = await oneConnectionGateway(false);
    await h.fake.receive('user-1', 'xin chào', 'mid.off');
    expect(await preparedOn(h)).toEqual([]);
    expect(await h.gw.db.selectFrom('messages').select('text').execute()).toEqual([{ text: 'xin chào' }]);
  });

  test('after a newer node adds a column, the kept `select *` fails once, then runs prepared afresh', async () => {
    const { store, databaseUrl } = await postgres!.open();
    opened.push({ store });
    const db = new Kysely<{ items: { id: number; name: string } }>({ dialect: new PostgresDialect({ pool: new PreparedStatementPool(new Pool({ connectionString: databaseUrl, max: 1 })) as never }) });
    try {
      await sql`create table items (id int primary key, name text)`.execute(db);
      await sql`insert into items values (1, 'áo')`.execute(db);
      const read = () => db.selectFrom('items').selectAll().where('id', '=', 1).modifyEnd(keepPlan()).executeTakeFirst();
      expect(await read()).toEqual({ id: 1, name: 'áo' });
      await store.db.schema.alterTable('items').addColumn('size', 'text', (c) => c.defaultTo('M')).execute(); // another connection: a newer node's migration
      await expect(read()).rejects.toThrow(/cached plan must not change result type/);
      expect(await read()).toEqual({ id: 1, name: 'áo', size: 'M' });
      expect(await read()).toEqual({ id: 1, name: 'áo', size: 'M' });
    } finally {
      await db.destroy();
    }
  });
});
