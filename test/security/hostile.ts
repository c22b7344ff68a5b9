/**
 * Shared pieces of the hostile-input tests (issue #10): generators of malformed, oversized
 * and hostile values, a JSON writer that can also emit what JSON.stringify never does
 * (huge exponents, invalid UTF-8, `__proto__` keys, 10,000-deep nesting), a watch on the
 * process for crashes, and the database invariants that must hold after any of it.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import type { Db } from '../../src/store/unit-of-work';

/** The seed every property uses (override with FUZZ_SEED=… to explore further); printed on failure by fast-check. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_260_110);
/** Runs per property: modest, so a file stays within a minute on a slow 2-core machine (FUZZ_RUNS=… for more). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 100);

export const fuzzOptions = (runs = FUZZ_RUNS) => ({ numRuns: runs, seed: FUZZ_SEED, endOnFailure: true, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: false });

/** Emitted verbatim into the JSON text (not a JSON value of its own). */
export class RawJson {
  constructor(readonly text: string) {}
  /** How fast-check prints it in a counterexample (not 100,000 brackets). */
  [fc.toStringMethod](): string {
    return this.text.length <= 60 ? `RawJson(${this.text})` : `RawJson(${this.text.slice(0, 24)}…${this.text.length} characters)`;
  }
}
/** Bytes that are not UTF-8 at all, spliced into a JSON string. */
export const BAD_UTF8 = '\u0001BAD-UTF8\u0001';

export const XSS_STRINGS = [
  '<img src=x onerror=window.__xss=1>',
  '<script>window.__xss=1</script>',
  '"><svg onload=window.__xss=1>',
  'javascript:window.__xss=1',
] as const;

export const FORMULA_STRINGS = ["=cmd|' /C calc'!A0", '+1+1', '-2+3', '@SUM(1)', '\t=1+1', '\r=1+1', "'=1+1", "''+1"] as const;

/** Strings that broke something somewhere once: NUL, lone surrogates, BOM, bidi, huge, markup, formulas, encodings. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\uFEFFbom',
  '\u202Egnp.exe',
  'A'.repeat(2001),
  'A'.repeat(5001),
  'Ạ'.repeat(70_000),
  '😀'.repeat(3000),
  ...XSS_STRINGS,
  ...FORMULA_STRINGS,
  '__proto__',
  'constructor',
  '%E0%A4%A',
  '%',
  '../../etc/passwd',
  '${7*7}{{7*7}}',
  "'; DROP TABLE messages; --",
  '\r\n\r\n',
  'https://evil.example/a?b=<c>',
  'upload://00000000-0000-0000-0000-000000000000',
  BAD_UTF8,
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

export const hostileNumber: fc.Arbitrary<number | RawJson> = fc.oneof(
  fc.constantFrom<number | RawJson>(0, -1, -0, 1.5, 1e21, 8.64e15 + 1, 2 ** 53 + 2, -(2 ** 31), 1e308, -1e308, 5e-324),
  fc.constantFrom(new RawJson('1e400'), new RawJson('-1e400'), new RawJson('123456789012345678901234567890'), new RawJson('1E-400'), new RawJson('-0.0e0')),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted', 'toString', 'hasOwnProperty', 'text', 'type', 'id', 'mid', 'url', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** Deeply nested arrays/objects, as text (built iteratively: no recursion anywhere in the test). */
export const deepNesting: fc.Arbitrary<RawJson> = fc
  .tuple(fc.constantFrom(64, 1000, 10_000, 100_000), fc.boolean())
  .map(([depth, arrays]) => new RawJson(arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

/** Any JSON-able value, biased towards hostile strings, numbers, keys and shapes. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    deepNesting,
    fc.array(tie('value'), { maxLength: 4 }),
    // Object.fromEntries makes `__proto__` an own key, as JSON.parse does.
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map((entries) => Object.fromEntries(entries)),
  ),
})).value;

/**
 * JSON text of a value built by the generators above: RawJson verbatim, own `__proto__`
 * keys kept, everything else as JSON.stringify writes it.
 */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${jsonText((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The bytes of `jsonText(value)`, with BAD_UTF8 markers turned into bytes that are not UTF-8. */
export function jsonBytes(value: unknown): Buffer {
  return withBadUtf8(jsonText(value));
}

export function withBadUtf8(text: string): Buffer {
  const escaped = JSON.stringify(BAD_UTF8).slice(1, -1);
  const parts = text.split(escaped);
  const out: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0) out.push(Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]));
    out.push(Buffer.from(p, 'utf8'));
  });
  return Buffer.concat(out);
}

/** A value as a string the way a careless caller would, without throwing on objects that cannot be converted. */
export function looseString(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return '[unconvertible]';
  }
}

/** What encodeURIComponent accepts: unpaired surrogates replaced (it throws on them). */
export function storableForUri(value: string): string {
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD');
}

/** Every path (list of keys) inside a JSON value, the root included. */
export function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) pathsOf((value as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

/** A deep copy of `value` with the thing at `path` replaced (or, for the root, the whole value). */
export function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

/** Own properties of Object.prototype, to see that nothing was added by a `__proto__` key. */
export function prototypeKeys(): string[] {
  return [...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertySymbols(Object.prototype).map(String)].sort();
}

/**
 * What must hold in the database after any input, whatever was refused: nothing
 * half-written. Returns the violations (empty when all is well), each naming its rows.
 */
export async function dbViolations(db: Db): Promise<string[]> {
  const problems: string[] = [];
  const check = async (what: string, query: ReturnType<typeof sql<Record<string, unknown>>>) => {
    const { rows } = await query.execute(db);
    if (rows.length > 0) problems.push(`${what}: ${JSON.stringify(rows.slice(0, 5))}`);
  };
  await check('message without its conversation', sql`SELECT m.id FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id WHERE c.id IS NULL`);
  await check('message in another inbox than its conversation', sql`SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.inbox_id <> c.inbox_id`);
  await check(
    "contact message not from its conversation's contact",
    sql`SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN contacts ct ON ct.id = m.sender_id WHERE m.sender_type = 'contact' AND (ct.id IS NULL OR m.sender_id <> c.contact_id)`,
  );
  await check('conversation without its contact', sql`SELECT c.id FROM conversations c LEFT JOIN contacts ct ON ct.id = c.contact_id WHERE ct.id IS NULL`);
  await check(
    'conversation without its conversation.created event',
    sql`SELECT c.id FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM conversation_events e WHERE e.conversation_id = c.id AND e.type = 'conversation.created')`,
  );
  await check(
    'contact message without its message.received event',
    sql`SELECT m.id FROM messages m WHERE m.direction = 'in' AND NOT EXISTS (SELECT 1 FROM conversation_events e WHERE e.conversation_id = m.conversation_id AND e.type = 'message.received' AND (e.data->'message'->>'id') = m.id::text)`,
  );
  await check('contact without a channel identity', sql`SELECT ct.id FROM contacts ct WHERE NOT EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.contact_id = ct.id)`);
  await check('outbox row without its message', sql`SELECT o.id FROM outbox o LEFT JOIN messages m ON m.id = o.message_id WHERE m.id IS NULL`);
  return problems;
}

/**
 * Waits until the inbound journal has finished every stored body (bounded), then returns
 * the rows that are not done: still pending (stuck or failing again and again) or failed
 * for a reason that is not a deliberate, coded refusal.
 */
export async function journalLeftovers(db: Db, timeoutMs = 15_000): Promise<{ id: number; status: string; attempts: number; last_error: string | null; body: string }[]> {
  const end = Date.now() + timeoutMs;
  const bad = () =>
    db
      .selectFrom('inbound_events')
      .select(['id', 'status', 'attempts', 'last_error', 'body'])
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'failed'), eb.or([eb('last_error', 'is', null), eb('last_error', 'not like', 'GW_ERR_%')])])]))
      .orderBy('id')
      .execute();
  for (;;) {
    const rows = await bad();
    // A pending row with an error has failed once and waits for a retry: that is already the finding.
    if (rows.length === 0 || Date.now() > end || rows.every((r) => r.status !== 'pending' || r.last_error !== null)) {
      return rows.map((r) => ({ ...r, id: Number(r.id), body: r.body.slice(0, 300) }));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function allTables(db: Db): Promise<string[]> {
  const { rows } = await sql<{ tablename: string }>`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'kysely_%' ORDER BY tablename`.execute(db);
  return rows.map((r) => r.tablename);
}
