import { z } from 'zod';

/**
 * Ids of our rows are PostgreSQL `integer`s (serial): at most 2³¹−1. A larger number is
 * nobody's id, and it must be a 400 here rather than the database's "out of range" error.
 */
const MAX_ROW_ID = 2_147_483_647;

/** An id in a path or query string (text). */
export const rowIdParam = z.coerce.number().int().positive().max(MAX_ROW_ID, 'no such id');
/** An id in a JSON body (a number). */
export const rowId = z.number().int().positive().max(MAX_ROW_ID, 'no such id');
