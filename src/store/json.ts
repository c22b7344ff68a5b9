/**
 * jsonb parameters are passed as JSON text: node-postgres would turn a JS array into a
 * PostgreSQL array literal, PGlite would not, so both get a string and cast it.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? {});
}
