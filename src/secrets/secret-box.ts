import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { GatewayError } from '../core/errors';

/**
 * Sealing of secrets at rest (channel tokens, generated signing keys, inbox secrets) with
 * AES-256-GCM under OMNIGATE_SECRET_KEY. A sealed value is text:
 *
 *   v1:<key id>:<base64url(iv ‖ tag ‖ ciphertext)>
 *
 * 1. `v1` names the scheme, so another one (or a rotated key) can be added beside it.
 * 2. The IV is 12 random bytes per seal; with random IVs one key stays safe for far more
 *    seals (2^32) than a gateway ever makes.
 * 3. The key id (8 hex chars of HMAC(key, "omnigate-key-id")) tells a value sealed with
 *    another key apart from a tampered one; it reveals nothing about the key. The prefix
 *    is the GCM additional data, so it cannot be changed either.
 */
export const SEALED_PREFIX = 'v1:';
const SEALED = /^v1:[0-9a-f]{8}:[A-Za-z0-9_-]{38,}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type SecretBoxFailure = 'not_sealed' | 'unknown_version' | 'wrong_key' | 'tampered';

/** A stored secret could not be opened; `reason` says why (the message says what to do). */
export class SecretBoxError extends GatewayError {
  constructor(
    readonly reason: SecretBoxFailure,
    message: string,
  ) {
    super('GW_ERR_CONFIG_INVALID', message);
    this.name = 'SecretBoxError';
  }
}

export class SecretBox {
  /** Names the key without revealing it (in sealed values and in messages). */
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('a secret box needs a 32-byte key');
    this.#key = Buffer.from(key);
    this.keyId = createHmac('sha256', this.#key).update('omnigate-key-id').digest('hex').slice(0, 8);
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && SEALED.test(value);
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const header = `${SEALED_PREFIX}${this.keyId}:`;
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(header));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return header + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  open(sealed: string): string {
    if (typeof sealed !== 'string' || !sealed.startsWith(SEALED_PREFIX)) {
      const version = typeof sealed === 'string' ? /^(v\d+):/.exec(sealed)?.[1] : undefined;
      throw version
        ? new SecretBoxError('unknown_version', `a stored secret uses sealing scheme ${version}, which this version of Omnigate cannot read`)
        : new SecretBoxError('not_sealed', 'a stored secret is in plain text where a sealed value is required (it was written around the secrets module)');
    }
    if (!SEALED.test(sealed)) throw new SecretBoxError('tampered', 'a stored secret is malformed: it was altered or cut short');
    const keyId = sealed.slice(3, 11);
    if (keyId !== this.keyId) {
      throw new SecretBoxError('wrong_key', `a stored secret was sealed with another OMNIGATE_SECRET_KEY (key id ${keyId}; the current key's id is ${this.keyId}): start with the key the data was sealed with`);
    }
    const raw = Buffer.from(sealed.slice(12), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('tampered', 'a stored secret is malformed: it was altered or cut short');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(sealed.slice(0, 12)));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('tampered', `a stored secret failed its integrity check under key ${this.keyId}: it was altered or corrupted`);
    }
  }

  /** Never shows the key, whatever prints the box. */
  toJSON(): string {
    return `[SecretBox ${this.keyId}]`;
  }
}
