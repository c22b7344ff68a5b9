import { sql, type Kysely } from 'kysely';

/**
 * Run a block of DDL one statement at a time. PGlite's extended protocol (like pg with
 * parameters) takes one statement per call, so every migration goes through here and
 * runs identically on both. Statements are split at a `;` that ends a line.
 */
export async function runStatements(db: Kysely<unknown>, block: string): Promise<void> {
  const statements = block
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
