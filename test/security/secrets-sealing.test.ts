import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from '../../src/secrets/secret-box';
import { parseSecretKey } from '../../src/secrets/secret-key';
import { KEY_FILE, openSecretBox } from '../../src/secrets/key-source';
import { hasUnsealedSecret, maskSecrets, openSecretFields, sealSecretFields, SECRET_SET } from '../../src/secrets/secret-fields';
import { isSealedDocument, openJson, sealJson } from '../../src/secrets/sealed-json';
import { ConfigError, loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/server/logger';
import { TEST_SECRET_KEY, TEST_SECRETS, testSecretBox } from '../support/test-secrets';

const S = TEST_SECRETS;
const box = testSecretBox();
const otherBox = testSecretBox(S.otherSecretKey);

/** Replace one character of the sealed body (after the `v1:<key id>:` prefix) at `index`. */
function flip(sealed: string, index: number): string {
  const at = 12 + index;
  const c = sealed[at] === 'A' ? 'B' : 'A';
  return sealed.slice(0, at) + c + sealed.slice(at + 1);
}

function failure(fn: () => unknown): SecretBoxError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SecretBoxError) return err;
    throw err;
  }
  throw new Error('expected a SecretBoxError');
}

describe('sealing (AES-256-GCM, v1)', () => {
  test('round trip, a fresh IV every time, and a versioned prefix naming the key', () => {
    for (const plain of [S.pageTokenSecurity, '', 'mật khẩu có dấu ✓', 'x'.repeat(5000)]) {
      const sealed = box.seal(plain);
      expect(sealed).toMatch(new RegExp(`^v1:${box.keyId}:[A-Za-z0-9_-]+$`));
      expect(sealed).not.toContain(plain || '\u0000');
      expect(box.open(sealed)).toBe(plain);
      expect(SecretBox.isSealed(sealed)).toBe(true);
    }
    expect(box.seal('same')).not.toBe(box.seal('same'));
    expect(box.keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(otherBox.keyId).not.toBe(box.keyId);
  });

  test('any change to IV, tag or ciphertext is detected', () => {
    const sealed = box.seal(S.zaloRefreshTokenSecurity);
    // 0: inside the IV, 20: inside the tag, last: inside the ciphertext
    for (const index of [0, 20, sealed.length - 13]) {
      const err = failure(() => box.open(flip(sealed, index)));
      expect(err.reason).toBe('tampered');
      expect(err.message).toMatch(/integrity check/);
    }
    expect(failure(() => box.open(sealed.slice(0, 30))).reason).toBe('tampered');
    expect(failure(() => box.open(`${sealed}!`)).reason).toBe('tampered');
  });

  test('a value sealed with another key is told apart from tampering, and the key never shows', () => {
    const err = failure(() => otherBox.open(box.seal(S.botSecretSecurity)));
    expect(err.reason).toBe('wrong_key');
    expect(err.code).toBe('GW_ERR_CONFIG_INVALID');
    expect(err.message).toContain(box.keyId);
    expect(err.message).toContain(otherBox.keyId);
    expect(err.message).toMatch(/OMNIGATE_SECRET_KEY/);
    expect(err.message).not.toContain(TEST_SECRET_KEY);
    // the key id is authenticated: pasting the right id onto another key's value does not help
    const forged = box.seal('x').replace(box.keyId, otherBox.keyId);
    expect(failure(() => otherBox.open(forged)).reason).toBe('tampered');
    expect(JSON.stringify({ box })).toBe(`{"box":"[SecretBox ${box.keyId}]"}`);
  });

  test('plain text and unknown schemes are refused, not passed through', () => {
    expect(failure(() => box.open(S.pageTokenSecurity)).reason).toBe('not_sealed');
    expect(failure(() => box.open(`v2:${box.keyId}:AAAA`)).reason).toBe('unknown_version');
    expect(failure(() => openJson(box, { accessToken: S.pageTokenSecurity })).reason).toBe('not_sealed');
  });

  test('JSON documents (channel_credentials) round-trip as one sealed value', () => {
    const doc = sealJson(box, { accessToken: S.zaloAccessTokenSecurity, refreshToken: S.zaloRefreshTokenSecurity, expiresAt: '2030-01-01T00:00:00.000Z' });
    expect(isSealedDocument(doc)).toBe(true);
    expect(JSON.stringify(doc)).not.toMatch(/zalo-(access|refresh)-token/);
    expect(openJson(box, doc)).toEqual({ accessToken: S.zaloAccessTokenSecurity, refreshToken: S.zaloRefreshTokenSecurity, expiresAt: '2030-01-01T00:00:00.000Z' });
    expect(isSealedDocument({ sealed: doc.sealed, extra: 1 })).toBe(false);
  });
});

describe('secret fields of settings', () => {
  const settings = {
    greeting: 'Xin chào',
    identitySecret: S.identitySecretSecurity,
    bot: { type: 'webhook', url: `https://omnigate:${S.passwordSecurity}@bot.example.vn/hook`, secret: S.botSecretSecurity },
    surveys: { enabled: true, tokens: ['a-secret-in-a-list'] },
    allowedOrigins: ['https://anphat.vn'],
  };

  test('sealed at any depth, the rest untouched; opened back to the same settings', () => {
    const sealed = sealSecretFields(box, settings);
    expect(sealed).toMatchObject({ greeting: 'Xin chào', bot: { type: 'webhook', url: settings.bot.url }, surveys: { enabled: true }, allowedOrigins: ['https://anphat.vn'] });
    const text = JSON.stringify(sealed);
    for (const s of [S.identitySecretSecurity, S.botSecretSecurity, 'a-secret-in-a-list']) expect(text).not.toContain(s);
    expect(hasUnsealedSecret(settings)).toBe(true);
    expect(hasUnsealedSecret(sealed)).toBe(false);
    expect(sealSecretFields(box, sealed)).toEqual(sealed); // sealing twice changes nothing
    expect(openSecretFields(box, sealed)).toEqual(settings);
  });

  test('"[set]" (what the API showed) keeps the stored value; "" clears it', () => {
    const stored = sealSecretFields(box, settings);
    const next = sealSecretFields(box, { ...stored, identitySecret: SECRET_SET, bot: { type: 'webhook', url: 'https://bot.example.vn/v2', secret: SECRET_SET } }, stored);
    expect(openSecretFields(box, next)).toMatchObject({ identitySecret: S.identitySecretSecurity, bot: { url: 'https://bot.example.vn/v2', secret: S.botSecretSecurity } });
    const cleared = sealSecretFields(box, { ...stored, identitySecret: '' }, stored);
    expect(cleared).not.toHaveProperty('identitySecret');
    expect(sealSecretFields(box, { identitySecret: SECRET_SET }, {})).toEqual({}); // nothing stored to keep
  });

  test('masked for the API at any depth, a URL password hidden', () => {
    expect(maskSecrets(sealSecretFields(box, settings))).toEqual({
      greeting: 'Xin chào',
      identitySecret: '[set]',
      bot: { type: 'webhook', url: 'https://omnigate:***@bot.example.vn/hook', secret: '[set]' },
      surveys: { enabled: true, tokens: '[set]' },
      allowedOrigins: ['https://anphat.vn'],
    });
    expect(maskSecrets({ identitySecret: '', bot: { secret: null } })).toEqual({ identitySecret: null, bot: { secret: null } });
  });
});

describe('OMNIGATE_SECRET_KEY', () => {
  test('32 bytes as base64, base64url or hex; anything else is refused', () => {
    const raw = randomBytes(32);
    expect(parseSecretKey(raw.toString('base64'))).toEqual(raw);
    expect(parseSecretKey(raw.toString('base64url'))).toEqual(raw);
    expect(parseSecretKey(raw.toString('hex'))).toEqual(raw);
    expect(parseSecretKey(` ${raw.toString('hex')}\n`)).toEqual(raw);
    for (const bad of ['', 'short', randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), 'z'.repeat(64), raw.toString('hex').slice(2)]) {
      expect(parseSecretKey(bad)).toBeNull();
    }
  });

  test('a bad key stops the start with a message naming the variable, never echoing the value', () => {
    const bad = 'not-a-key-but-a-password-123';
    const err = (() => {
      try {
        loadConfig({ OMNIGATE_SECRET_KEY: bad });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toEqual([{ variable: 'OMNIGATE_SECRET_KEY', message: expect.stringMatching(/32 random bytes as base64.*64 hex/) }]);
    expect(err.message).not.toContain(bad);
    expect(loadConfig({ OMNIGATE_SECRET_KEY: S.otherSecretKey }).secretKey).toBe(Buffer.from(S.otherSecretKey, 'hex').toString('base64'));
  });

  test('PostgreSQL needs the key: without it the start is refused with a clear message', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://og@db/og' })).toThrow(/OMNIGATE_SECRET_KEY: is required with DATABASE_URL/);
    expect(loadConfig({ DATABASE_URL: 'postgres://og@db/og', OMNIGATE_SECRET_KEY: TEST_SECRET_KEY }).secretKey).toBe(TEST_SECRET_KEY);
    // also when a config is built some other way
    const quiet = createLogger('silent');
    expect(() => openSecretBox({ secretKey: undefined, databaseUrl: 'postgres://og@db/og', dataDir: '/nonexistent' }, quiet)).toThrow(ConfigError);
  });

  test('embedded without a key: one is generated into DATA_DIR once (0600), logged without the key, then reused', () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-key-test-')), 'data');
    try {
      const lines: string[] = [];
      const logger = createLogger('info', new Writable({ write: (c: Buffer, _e, done) => void (lines.push(c.toString()), done()) }));
      const first = openSecretBox({ secretKey: undefined, databaseUrl: undefined, dataDir }, logger);
      const file = path.join(dataDir, KEY_FILE);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const key = fs.readFileSync(file, 'utf8').trim();
      expect(parseSecretKey(key)).not.toBeNull();
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, keyId: first.keyId, file, msg: expect.stringMatching(/generated a secret key/) });
      expect(lines.join('')).not.toContain(key);
      const second = openSecretBox({ secretKey: undefined, databaseUrl: undefined, dataDir }, logger);
      expect(second.keyId).toBe(first.keyId);
      expect(second.open(first.seal('still readable'))).toBe('still readable');
      expect(lines).toHaveLength(1); // generated once
      // a set key wins over the file
      expect(openSecretBox({ secretKey: TEST_SECRET_KEY, databaseUrl: undefined, dataDir }, logger).keyId).toBe(box.keyId);
      fs.writeFileSync(file, 'garbage\n');
      expect(() => openSecretBox({ secretKey: undefined, databaseUrl: undefined, dataDir }, logger)).toThrow(/does not hold a secret key.*OMNIGATE_SECRET_KEY/);
    } finally {
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });
});
