import { createHash, timingSafeEqual } from 'node:crypto';

/** `Authorization: Bearer <token>` equal to `expected`, compared in constant time (hashes, so lengths leak nothing either). */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(match[1]!), digest(expected));
}
