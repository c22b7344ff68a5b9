import { sql, type SqlBool } from 'kysely';
import { GatewayError } from '../core/errors';
import type { AgentView } from '../api/auth-service';
import { seesAll } from '../api/access';
import type { Db } from '../store/unit-of-work';
import { contactVisibleSql } from './contact-access';
import { containsPattern, foldName, foldedSql } from './fold';
import { toE164 } from './phone';

export interface ContactQuery {
  q?: string;
  label?: string;
  channel?: string;
  limit: number;
  cursor?: string;
}

/** Where the previous page ended: its last contact's activity (as PostgreSQL wrote it, so no precision is lost) and id. */
interface Cursor {
  at: string | null;
  id: number;
}

/**
 * The contacts list: not merged, newest activity first (contacts without any conversation
 * last), a page at a time. `q` finds a name with or without diacritics, a phone in any
 * format (through E.164; a partial number by its digits), or an e-mail.
 */
export async function searchContacts(db: Db, agent: AgentView, query: ContactQuery): Promise<{ ids: number[]; nextCursor: string | null }> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  let inner = db
    .selectFrom('contacts as ct')
    .select(['ct.id', sql<string | null>`(select max(cv.last_message_at) from conversations cv where cv.contact_id = ct.id)::text`.as('last_at')])
    .where('ct.merged_into_id', 'is', null);
  if (!seesAll(agent)) inner = inner.where(contactVisibleSql(agent, sql.ref('ct.id')));
  if (query.label) inner = inner.where(sql<SqlBool>`ct.labels @> ${JSON.stringify([query.label])}::jsonb`);
  if (query.channel) inner = inner.where((eb) => eb.exists(eb.selectFrom('contact_identities as ci').select('ci.id').whereRef('ci.contact_id', '=', 'ct.id').where('ci.channel', '=', query.channel!)));
  const q = query.q?.trim();
  if (q) {
    const e164 = toE164(q);
    const digits = q.replace(/\D/g, '');
    const phoneLike = /^\(?\+?[\d\s().\-/]+$/.test(q) && digits.length >= 4;
    inner = inner.where((eb) =>
      eb.or([
        eb(foldedSql(sql.ref('ct.name')), 'like', containsPattern(foldName(q))),
        eb(sql`lower(ct.email)`, 'like', containsPattern(q.toLowerCase())),
        ...(e164 ? [eb('ct.phone_e164', '=', e164)] : []),
        // A partial number: its digits without the trunk 0 ("0912 345" → "912345").
        ...(phoneLike && !e164 ? [eb('ct.phone_e164', 'like', containsPattern(digits.replace(/^0+/, '')))] : []),
      ]),
    );
  }
  let qb = db.selectFrom(inner.as('t')).select(['t.id', 't.last_at']);
  if (cursor) {
    qb = qb.where((eb) =>
      cursor.at === null
        ? eb.and([eb('t.last_at', 'is', null), eb('t.id', '<', cursor.id)])
        : eb.or([
            eb('t.last_at', 'is', null),
            eb(sql`t.last_at::timestamptz`, '<', sql`${cursor.at}::timestamptz`),
            eb.and([eb(sql`t.last_at::timestamptz`, '=', sql`${cursor.at}::timestamptz`), eb('t.id', '<', cursor.id)]),
          ]),
    );
  }
  const rows = await qb
    .orderBy(sql`t.last_at::timestamptz desc nulls last`)
    .orderBy('t.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { ids: page.map((r) => r.id), nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.last_at, id: last.id }) : null };
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;

function decodeCursor(text: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if ((at === null || (typeof at === 'string' && TIMESTAMP.test(at))) && Number.isSafeInteger(id) && (id as number) > 0 && (id as number) <= 2_147_483_647) return { at: at as string | null, id: id as number };
  } catch {
    // falls through to the error below
  }
  throw new GatewayError('GW_ERR_VALIDATION', 'cursor: not a cursor this API gave');
}
