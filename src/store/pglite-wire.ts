/** What the gateway's thread and the embedded database's thread (pglite-worker.ts) say to each other. */

/** A query's answer. */
export type QueryResult = { rows: unknown[]; affectedRows: number };

export type WorkerRequest = { id: number; op: 'query'; sql: string; params: unknown[] } | { id: number; op: 'close' };

/** `id` 0 answers the start: rows on success, error when PGlite could not open the directory. */
export type WorkerReply = ({ id: number } & QueryResult) | { id: number; error: WireError };

/**
 * An error as it crosses threads: a structured clone keeps only an Error's message, so
 * the fields callers read — the SQLSTATE `code` above all (src/server/http-app.ts) — travel
 * as plain properties and are put back on an Error on the other side.
 */
export type WireError = { message: string; name: string; fields: Record<string, string | number | undefined> };

/** int8 (ids of big tables, count(*)) and numeric as JS numbers, as on PostgreSQL (database.ts). */
export const INT8_OID = 20;
export const NUMERIC_OID = 1700;

const FIELDS = ['code', 'detail', 'hint', 'position', 'where', 'schema', 'table', 'column', 'dataType', 'constraint', 'severity', 'routine'] as const;

export function toWire(err: unknown): WireError {
  if (!(err instanceof Error)) return { message: String(err), name: 'Error', fields: {} };
  const fields: WireError['fields'] = {};
  for (const key of FIELDS) {
    const value = (err as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return { message: err.message, name: err.name, fields };
}

export function fromWire(wire: WireError): Error {
  const err = new Error(wire.message);
  err.name = wire.name;
  Object.assign(err, wire.fields);
  return err;
}
