import { fixtureBytes } from './__fixtures__';
import { signWebhook } from './simulator/webhooks';
import { verifySignature, verifySubscription } from './verify';

describe('verifySubscription (GET hub.challenge handshake)', () => {
  const token = 'my-verify-token-123';

  it('answers 200 with the raw challenge when mode and token match', () => {
    expect(verifySubscription({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' }, token)).toEqual({ status: 200, body: '1158201444' });
  });

  it.each([
    ['wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': 'c' }],
    ['token differing only in length', { 'hub.mode': 'subscribe', 'hub.verify_token': `${token}4`, 'hub.challenge': 'c' }],
    ['wrong mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': token, 'hub.challenge': 'c' }],
    ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': token }],
    ['repeated parameter (array)', { 'hub.mode': 'subscribe', 'hub.verify_token': [token, token], 'hub.challenge': 'c' }],
    ['nothing', {}],
  ])('answers 403 for %s', (_name, query) => {
    expect(verifySubscription(query, token).status).toBe(403);
  });
});

describe('verifySignature (X-Hub-Signature-256, sha1 fallback)', () => {
  const secret = 'e6af24be1d683c8c911949f897eea1f6';
  // remixz/messenger-bot's signed test body: Meta-style `\u00e4\u00eb\u00ef` escapes, exact bytes.
  const raw = fixtureBytes('text-escaped-unicode-remixz.json');
  // Computed independently with `openssl dgst -sha256 -hmac <secret>` over the same file.
  const SHA256 = '7f202c12ba7dbbd1cb23d8a1b4af648fe22ea04456c0a926fcf8cb4e6da31ab4';
  // The signature from remixz/messenger-bot's own test for this body.
  const SHA1 = 'f1a4569dcf02a9829a15696d949b386b7d6d0272';

  it('accepts the raw bytes with a valid sha256 signature (independent test vector)', () => {
    expect(raw.toString('utf8')).toContain('Test \\u00e4\\u00eb\\u00ef');
    expect(verifySignature(raw, { 'x-hub-signature-256': `sha256=${SHA256}` }, secret)).toEqual({ ok: true, algorithm: 'sha256' });
  });

  it('rejects the same payload re-serialized (JSON.stringify(JSON.parse(raw))) — why the raw body is mandatory', () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(reserialized.toString('utf8')).toContain('Test äëï');
    expect(reserialized.equals(raw)).toBe(false);
    expect(verifySignature(reserialized, { 'x-hub-signature-256': `sha256=${SHA256}` }, secret)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('accepts uppercase hex and any header-name case', () => {
    expect(verifySignature(raw, { 'X-Hub-Signature-256': `sha256=${SHA256.toUpperCase()}` }, secret)).toEqual({ ok: true, algorithm: 'sha256' });
  });

  it('rejects a wrong secret, a tampered body and malformed or missing headers', () => {
    expect(verifySignature(raw, { 'x-hub-signature-256': `sha256=${SHA256}` }, 'another-secret')).toEqual({ ok: false, reason: 'mismatch' });
    const tampered = Buffer.from(raw.toString('utf8').replace('Test', 'Tesx'));
    expect(verifySignature(tampered, { 'x-hub-signature-256': `sha256=${SHA256}` }, secret)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(raw, { 'x-hub-signature-256': SHA256 }, secret)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignature(raw, { 'x-hub-signature-256': `sha256=${SHA256.slice(2)}` }, secret)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignature(raw, { 'x-hub-signature-256': 'sha256=DONEZO' }, secret)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignature(raw, {}, secret)).toEqual({ ok: false, reason: 'missing' });
  });

  it('falls back to X-Hub-Signature (sha1) only when the sha256 header is absent', () => {
    expect(verifySignature(raw, { 'x-hub-signature': `sha1=${SHA1}` }, secret)).toEqual({ ok: true, algorithm: 'sha1' });
    expect(verifySignature(raw, { 'x-hub-signature': 'sha1=DONEZO' }, secret)).toEqual({ ok: false, reason: 'malformed' });
    // A bad sha256 is not rescued by a good sha1.
    expect(verifySignature(raw, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}`, 'x-hub-signature': `sha1=${SHA1}` }, secret)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('verifies what the simulator signs (and the echo fixture with its numeric app_id)', () => {
    const echo = fixtureBytes('echo-remixz.json');
    expect(verifySignature(echo, signWebhook(echo, secret), secret)).toEqual({ ok: true, algorithm: 'sha256' });
    // openssl dgst -sha256 -hmac <secret> echo-remixz.json
    expect(signWebhook(echo, secret)['x-hub-signature-256']).toBe('sha256=3425da02f5bad58beeddd3279dd2a302fc5e5952060ab4a3fa5ea7a3dd13f504');
  });
});
