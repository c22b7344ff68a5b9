/**
 * A row that PostgreSQL returned as `to_jsonb(row)`: its timestamps arrive as ISO strings
 * and become Dates again — the columns named `*_at` / `*_until`, as in src/store/schema.ts.
 */
export function rowFromJson<Row>(json: Record<string, unknown>): Row {
  const row: Record<string, unknown> = { ...json };
  for (const [key, value] of Object.entries(row)) if (typeof value === 'string' && /(_at|_until)$/.test(key)) row[key] = new Date(value);
  return row as Row;
}
