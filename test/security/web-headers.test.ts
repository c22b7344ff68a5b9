import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createRequire } from 'node:module';
import path from 'node:path';
import { composeGateway } from '../../app/compose';
import { loadSettings } from '../../app/settings';
import { ConfigError, loadConfig } from '../../src/config/config';
import { createHttpApp } from '../../src/server/http-app';
import { createLogger } from '../../src/server/logger';
import { GatewayMetrics } from '../../src/server/metrics';
import type { Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { freshDataDir } from '../support/databases';

const ROOT = path.resolve(__dirname, '..', '..');
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** A Content-Security-Policy header as directive → sources. */
function csp(header: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name, sources);
  }
  return out;
}

/** What every answer of the app carries, whatever route (helmet, src/server/security-headers.ts). */
function expectBaseline(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-powered-by')).toBeNull();
}

describe('security headers on the production routes (app/compose.ts)', () => {
  let gw: Gateway;
  let url: string;

  beforeAll(async () => {
    const { buildWidget } = createRequire(__filename)(path.join(ROOT, 'scripts', 'build-widget.js')) as { buildWidget(o: { outdir: string }): { ok: boolean } };
    expect(buildWidget({ outdir: path.join(ROOT, 'widget', 'dist') }).ok).toBe(true);
    gw = await composeGateway(loadSettings({ DATA_DIR: await freshDataDir(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OMNIGATE_METRICS_TOKEN: METRICS_TOKEN }));
    await createInbox(gw.db, { channel: 'widget', accountId: 'shop', name: 'Shop', botEnabled: false, settings: {} });
    url = await gw.listen();
  });
  afterAll(async () => {
    await gw?.close();
  });

  test('the inbox page: a strict CSP as a header, framing denied, not cached stale', async () => {
    const res = await fetch(`${url}/inbox`);
    expect(res.status).toBe(200);
    expectBaseline(res);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    const policy = csp(res.headers.get('content-security-policy'));
    const host = new URL(url).host;
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]); // no 'unsafe-inline', no 'unsafe-eval'
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'", `ws://${host}`]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:', 'https:']);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.has('upgrade-insecure-requests')).toBe(false); // plain http here
    // The page carries no policy of its own that could drift from the header.
    expect(await res.text()).not.toMatch(/http-equiv="Content-Security-Policy"/i);
  });

  test('behind a TLS proxy (X-Forwarded-Proto from loopback) the inbox policy asks for wss and upgrades requests', async () => {
    const res = await fetch(`${url}/inbox`, { headers: { 'x-forwarded-proto': 'https' } });
    const policy = csp(res.headers.get('content-security-policy'));
    expect(policy.get('connect-src')).toEqual(["'self'", `wss://${new URL(url).host}`]);
    expect(policy.has('upgrade-insecure-requests')).toBe(true);
  });

  test('a Host header that is not a plain host is never echoed into the policy', async () => {
    const status = await new Promise<{ status: number; csp: string }>((resolve, reject) => {
      const { port } = new URL(url);
      const req = http.request({ host: '127.0.0.1', port, path: '/inbox', headers: { host: "evil.example; script-src 'unsafe-inline'" } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, csp: String(res.headers['content-security-policy'] ?? '') });
      });
      req.on('error', reject);
      req.end();
    });
    expect(status.status).toBe(200);
    expect(csp(status.csp).get('connect-src')).toEqual(["'self'"]);
    expect(status.csp).not.toContain('unsafe-inline');
  });

  test('the API: the baseline and a policy that allows nothing, on answers and on errors', async () => {
    for (const res of [await fetch(`${url}/api/v1/openapi.json`), await fetch(`${url}/api/v1/auth/me`), await fetch(`${url}/api/v1/no-such-route`)]) {
      expectBaseline(res);
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      const policy = csp(res.headers.get('content-security-policy'));
      expect(policy.get('default-src')).toEqual(["'none'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    }
  });

  test('what customer sites embed (widget scripts, uploads) is loadable cross-origin; an upload stays sandboxed', async () => {
    const script = await fetch(`${url}/widget.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(script.headers.get('access-control-allow-origin')).toBe('*');
    expect(script.headers.get('access-control-allow-credentials')).toBeNull();
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');

    const session = (await (await fetch(`${url}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inbox: 'shop' }) })).json()) as { token: string };
    const uploaded = await fetch(`${url}/widget/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${session.token}`, 'content-type': 'image/png', 'x-filename': 'a.png' }, body: new Uint8Array(PNG) });
    expect(uploaded.status).toBe(201);
    const { url: link } = (await uploaded.json()) as { url: string };
    const file = await fetch(link);
    expect(file.status).toBe(200);
    expectBaseline(file);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(file.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });

  test('the demo shop (a customer site with a strict policy): inline styles, never inline scripts', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expectBaseline(res);
    const policy = csp(res.headers.get('content-security-policy'));
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  });

  test('/metrics: only with the bearer token', async () => {
    const none = await fetch(`${url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await none.text()).not.toContain('omnigate_');
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const basic = await fetch(`${url}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
    const right = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    expect(right.headers.get('cache-control')).toBe('no-store');
    expect(await right.text()).toContain('omnigate_messages_in_total');
  });
});

describe('/readyz and /metrics without a token (createHttpApp)', () => {
  let server: http.Server;
  let url: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const { app } = createHttpApp({
      logger: createLogger('info', sink),
      metrics: new GatewayMetrics(),
      readiness: async () => {
        throw new Error('connect ECONNREFUSED 10.20.30.40:5432 (database omnigate_prod)');
      },
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('not ready: 503 says so and nothing more; the reason goes to the log', async () => {
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ status: 'not_ready' });
    expect(body).not.toMatch(/10\.20\.30\.40|ECONNREFUSED|omnigate_prod/);
    expectBaseline(res);
    expect(logLines.join('')).toContain('connect ECONNREFUSED 10.20.30.40:5432');
  });

  test('no OMNIGATE_METRICS_TOKEN: /metrics is not served at all', async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('process_cpu');
    const withAnyToken = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer undefined' } });
    expect(withAnyToken.status).toBe(404);
  });
});

describe('OMNIGATE_METRICS_TOKEN', () => {
  test('a guessable token stops the start, naming the variable; a good one is kept out of reach of the logs (nested under `token`)', () => {
    for (const bad of ['short', 'has spaces in it 0123456789abcdef']) {
      try {
        loadConfig({ OMNIGATE_METRICS_TOKEN: bad });
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).problems.map((p) => p.variable)).toEqual(['OMNIGATE_METRICS_TOKEN']);
      }
    }
    const config = loadConfig({ OMNIGATE_METRICS_TOKEN: METRICS_TOKEN });
    expect(config.metrics).toEqual({ token: METRICS_TOKEN });
    expect(loadConfig({}).metrics).toEqual({ token: undefined });
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(chunk.toString()), done()) }));
    logger.info({ config }, 'starting');
    expect(lines.join('')).toContain('"metrics":{"token":"[redacted]"}');
    expect(lines.join('')).not.toContain(METRICS_TOKEN);
  });
});
