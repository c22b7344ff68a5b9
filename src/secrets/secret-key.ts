/**
 * OMNIGATE_SECRET_KEY: 32 random bytes, written as base64 (standard or URL-safe, padding
 * optional) or as 64 hex characters. `openssl rand -base64 32` makes one.
 */
export const SECRET_KEY_BYTES = 32;
export const SECRET_KEY_HELP = 'must be 32 random bytes as base64 (e.g. `openssl rand -base64 32`) or as 64 hex characters';

/** The key's bytes, or null when the text is not a 32-byte key in either form. */
export function parseSecretKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(t)) return null;
  const bytes = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === SECRET_KEY_BYTES ? bytes : null;
}
