import { SecretBox } from './secret-box';

/**
 * Which fields hold secrets, decided by name wherever they sit (inbox settings, log
 * objects, API output): `identitySecret`, `bot.secret`, `accessToken`, `verifyToken`,
 * `oaSecretKey`, `csrfToken`, `codeVerifier`, `password`… Erring towards too many is
 * cheap (a redacted log field, a masked setting), too few leaks.
 */
const SECRET_NAME = /secret|token|passw(or)?d|credential|api[-_]?key|private[-_]?key|verifier/i;
const known = new Map<string, boolean>();

export function isSecretField(name: string): boolean {
  let hit = known.get(name);
  if (hit === undefined) {
    hit = SECRET_NAME.test(name);
    if (known.size < 10_000) known.set(name, hit);
  }
  return hit;
}

/** `scheme://user:password@` — the password part of a URL's credentials. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*:)[^/?#@\s]*@/gi;

/** How the API shows a secret that is set; sent back unchanged, it means "keep the stored value". */
export const SECRET_SET = '[set]';

/** A copy where every secret-named value, at any depth, is `"[set]"` (or null when empty), and a password in a URL `***`. */
export function maskSecrets(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('@') ? value.replace(URL_PASSWORD, '$1***@') : value;
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretField(k) ? (v === null || v === undefined || v === '' ? null : SECRET_SET) : maskSecrets(v);
  return out;
}

/**
 * Settings as they are stored: every string under a secret-named field sealed. A value
 * already sealed stays as it is (the merge of a PATCH carries the stored ones along);
 * `"[set]"` — what the API showed — keeps the value stored at that path in `current`;
 * `""` clears the field.
 */
export function sealSecretFields(box: SecretBox, next: Record<string, unknown>, current: Record<string, unknown> = {}): Record<string, unknown> {
  return walkObject(next, current, false, (v, stored) => {
    if (v === '') return undefined; // cleared
    if (v === SECRET_SET) return SecretBox.isSealed(stored) ? stored : undefined;
    return SecretBox.isSealed(v) ? v : box.seal(v);
  }) as Record<string, unknown>;
}

/** Settings as the code that uses them needs them: secret fields opened (throws if one is not sealed). */
export function openSecretFields(box: SecretBox, settings: Record<string, unknown>): Record<string, unknown> {
  return walkObject(settings, {}, false, (v) => box.open(v)) as Record<string, unknown>;
}

/** True when a secret-named field somewhere holds a string that is not sealed (the at-start upgrade's test). */
export function hasUnsealedSecret(value: unknown, inSecret = false): boolean {
  if (typeof value === 'string') return inSecret && !SecretBox.isSealed(value);
  if (Array.isArray(value)) return value.some((v) => hasUnsealedSecret(v, inSecret));
  if (!isPlainObject(value)) return false;
  return Object.entries(value).some(([k, v]) => hasUnsealedSecret(v, inSecret || isSecretField(k)));
}

type Leaf = (value: string, stored: unknown) => string | undefined;

/** Copies `value`, passing every string under a secret-named field (any depth) through `leaf`. */
function walkObject(value: unknown, stored: unknown, inSecret: boolean, leaf: Leaf): unknown {
  if (typeof value === 'string') return inSecret ? leaf(value, stored) : value;
  if (Array.isArray(value)) return value.map((v, i) => walkObject(v, Array.isArray(stored) ? stored[i] : undefined, inSecret, leaf));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const next = walkObject(v, isPlainObject(stored) ? stored[k] : undefined, inSecret || isSecretField(k), leaf);
    if (next !== undefined) out[k] = next;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
