import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GatewayError } from '../../src/core/errors';
import { assertZaloSignature, computeZaloMac, verifyZaloSignature } from './verify';

// The exact bytes of a real webhook body (pretty-printed, trailing newline and Vietnamese text included).
const raw = fs.readFileSync(path.join(__dirname, '__fixtures__', 'user_send_text-a4b-docs.json'));
const SECRET = 'dummy-oa-secret-key';
// sha256("2553928453557884079" + <file bytes> + "1699003881354" + "dummy-oa-secret-key"), computed with `sha256sum`.
const VECTOR = 'fc91cbeb4c93f30b963ec4134c63aecfd27fb92340b2e84245047ca629aa3c02';
const SENT_AT = new Date(1699003881354);

describe('X-ZEvent-Signature', () => {
  it('matches the independently computed vector for the fixture bytes', () => {
    expect(computeZaloMac('2553928453557884079', raw, '1699003881354', SECRET)).toBe(VECTOR);
  });

  it.each([
    ['mac= prefix', `mac=${VECTOR}`],
    ['no prefix', VECTOR],
    ['upper-case hex', `mac=${VECTOR.toUpperCase()}`],
    ['upper-case prefix and spaces', ` MAC=${VECTOR} `],
  ])('accepts %s', (_label, header) => {
    expect(verifyZaloSignature(raw, { 'x-zevent-signature': header }, SECRET, SENT_AT)).toEqual({
      ok: true,
      appId: '2553928453557884079',
      timestamp: '1699003881354',
    });
  });

  it('finds the header whatever its case', () => {
    expect(verifyZaloSignature(raw, { 'X-ZEvent-Signature': `mac=${VECTOR}` }, SECRET, SENT_AT).ok).toBe(true);
  });

  it('refuses a re-serialized body (same JSON, different bytes)', () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(verifyZaloSignature(reserialized, { 'x-zevent-signature': `mac=${VECTOR}` }, SECRET, SENT_AT)).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses the App Secret or an HMAC in place of the plain hash with the OA secret key', () => {
    expect(verifyZaloSignature(raw, { 'x-zevent-signature': `mac=${VECTOR}` }, 'the-app-secret', SENT_AT)).toMatchObject({ ok: false, reason: 'mismatch' });
    const hmac = createHmac('sha256', SECRET).update(raw).digest('hex');
    expect(verifyZaloSignature(raw, { 'x-zevent-signature': `mac=${hmac}` }, SECRET, SENT_AT)).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a stale or future timestamp (more than 5 minutes away)', () => {
    const header = { 'x-zevent-signature': `mac=${VECTOR}` };
    expect(verifyZaloSignature(raw, header, SECRET, new Date(SENT_AT.getTime() + 5 * 60_000)).ok).toBe(true);
    expect(verifyZaloSignature(raw, header, SECRET, new Date(SENT_AT.getTime() + 5 * 60_000 + 1))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifyZaloSignature(raw, header, SECRET, new Date(SENT_AT.getTime() - 6 * 60_000))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it.each([
    ['missing header', {}, 'missing_signature'],
    ['not hex', { 'x-zevent-signature': 'mac=xyz' }, 'malformed_signature'],
    ['truncated', { 'x-zevent-signature': `mac=${VECTOR.slice(2)}` }, 'malformed_signature'],
  ])('refuses %s', (_label, headers, reason) => {
    expect(verifyZaloSignature(raw, headers, SECRET, SENT_AT)).toMatchObject({ ok: false, reason });
  });

  it('refuses bodies without string app_id/timestamp (numbers would lose precision)', () => {
    const body = Buffer.from('{"app_id":2553928453557884079,"timestamp":"1699003881354"}');
    const mac = computeZaloMac('2553928453557884079', body, '1699003881354', SECRET);
    expect(verifyZaloSignature(body, { 'x-zevent-signature': mac }, SECRET, SENT_AT)).toMatchObject({ ok: false, reason: 'malformed_body' });
    expect(verifyZaloSignature(Buffer.from('not json'), { 'x-zevent-signature': mac }, SECRET, SENT_AT)).toMatchObject({ ok: false, reason: 'malformed_body' });
  });

  it('assertZaloSignature throws GW_ERR_SIGNATURE_INVALID (401) with the reason, never the secret', () => {
    let error: unknown;
    try {
      assertZaloSignature(raw, { 'x-zevent-signature': `mac=${'0'.repeat(64)}` }, SECRET, SENT_AT);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'GW_ERR_SIGNATURE_INVALID', status: 401, details: { reason: 'mismatch' } });
    expect(JSON.stringify(error) + (error as Error).message).not.toContain(SECRET);
  });
});
