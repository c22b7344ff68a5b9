import { allowedOriginsSettingProblem, originEntryProblem, originInList } from '../../src/server/allowed-origins';
import { isOwnOrigin } from '../../src/realtime/origin-check';
import { anyInboxAllows, embedVerdict } from '../../channels/widget/inbox-settings';

/** The origin rules on their own: what may be written, what matches, what a broken setting does. */
describe('allowed origins: what an admin may write', () => {
  test.each(['https://shop.vn', 'http://localhost:8080', 'https://xn--chng-9ra.vn', 'https://*.shop.vn', 'https://*.shop.vn:8443', 'http://127.0.0.1:5173'])('%s is accepted', (entry) => {
    expect(originEntryProblem(entry)).toBeNull();
  });

  test.each([
    ['https://shop.vn/', 'use "https://shop.vn"'],
    ['https://shop.vn/chat', 'use "https://shop.vn"'],
    ['https://Shop.VN', 'use "https://shop.vn"'],
    ['https://shop.vn:443', 'use "https://shop.vn"'],
    ['https://*.Shop.vn/', 'use "https://*.shop.vn"'],
    ['shop.vn', 'is not an origin'],
    ['*', 'wildcard is only allowed as the first label'],
    ['https://*', 'wildcard is only allowed as the first label'],
    ['https://shop.*.vn', 'wildcard is only allowed as the first label'],
    ['https://*.vn', 'under a registered domain'],
    ['https://*.10.0.0.1', 'is not an origin'],
    ['null', 'is not an origin'],
    ['ftp://shop.vn', 'only http:// and https://'],
    ['javascript:alert(1)', 'only http:// and https://'],
    ['https://user:pw@shop.vn', 'use "https://shop.vn"'],
    ['', '1 to 253 characters'],
  ])('%s is refused (%s)', (entry, why) => {
    expect(originEntryProblem(entry)).toContain(why);
  });

  test('the admin API check names the setting and every bad entry; other settings are not its business', () => {
    expect(allowedOriginsSettingProblem({ greeting: 'hi' })).toBeNull();
    expect(allowedOriginsSettingProblem({ allowedOrigins: [] })).toBeNull();
    expect(allowedOriginsSettingProblem({ allowedOrigins: ['https://shop.vn', 'https://*.shop.vn'] })).toBeNull();
    const problem = allowedOriginsSettingProblem({ allowedOrigins: ['https://shop.vn', 'https://shop.vn/x', '*'] });
    expect(problem).toMatch(/^allowedOrigins\.1: .*https:\/\/shop\.vn\/x.*; allowedOrigins\.2: /);
    expect(allowedOriginsSettingProblem({ allowedOrigins: 'https://shop.vn' })).toContain('must be a list of origins');
    expect(allowedOriginsSettingProblem({ allowedOrigins: null })).toContain('must be a list of origins');
    expect(allowedOriginsSettingProblem({ allowedOrigins: Array.from({ length: 51 }, (_, i) => `https://s${i}.vn`) })).toContain('at most 50');
  });
});

describe('allowed origins: matching an Origin header', () => {
  const list = ['https://shop.vn', 'https://*.shop.vn', 'http://localhost:8080'];

  test.each([
    ['https://shop.vn', true],
    ['https://www.shop.vn', true],
    ['https://a.b.shop.vn', true],
    ['http://localhost:8080', true],
    ['http://shop.vn', false], // another scheme
    ['https://shop.vn:8443', false], // another port
    ['https://www.shop.vn:8443', false],
    ['https://evilshop.vn', false], // not a subdomain
    ['https://shop.vn.evil.com', false],
    ['https://evil.com/.shop.vn', false], // not an origin at all
    ['https://evil.com@x.shop.vn', false],
    ['https://.shop.vn', false],
    ['http://localhost:8081', false],
    ['null', false],
  ])('%s → %s', (origin, allowed) => {
    expect(originInList(list, origin)).toBe(allowed);
  });
});

describe('the widget: one verdict for session, uploads, socket and CORS', () => {
  const restricted = { allowedOrigins: ['https://shop.vn'] };

  test('a browser on a listed site is allowed, any other site is refused, `null` too', () => {
    expect(embedVerdict(restricted, 'https://shop.vn')).toMatchObject({ ok: true });
    expect(embedVerdict(restricted, 'https://evil.example')).toEqual({ ok: false, code: 'WIDGET_ORIGIN_NOT_ALLOWED', message: 'this site may not embed this inbox' });
    expect(embedVerdict(restricted, 'null')).toMatchObject({ ok: false, code: 'WIDGET_ORIGIN_NOT_ALLOWED' });
  });

  test('an empty or missing list allows any site (the documented default)', () => {
    expect(embedVerdict({}, 'https://anyone.example')).toMatchObject({ ok: true });
    expect(embedVerdict({ allowedOrigins: [] }, 'https://anyone.example')).toMatchObject({ ok: true });
  });

  test('no Origin header (not a browser) is allowed: the token and rate limits still apply', () => {
    expect(embedVerdict(restricted, undefined)).toMatchObject({ ok: true });
  });

  test.each([
    ['a string instead of a list', { allowedOrigins: 'https://shop.vn' }],
    ['null', { allowedOrigins: null }],
    ['an entry with a path', { allowedOrigins: ['https://shop.vn/'] }],
    ['a bare wildcard', { allowedOrigins: ['*'] }],
  ])('a stored list that does not parse (%s) fails closed, for every caller', (_what, settings) => {
    for (const origin of ['https://shop.vn', 'https://evil.example', undefined]) {
      const verdict = embedVerdict(settings, origin);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) {
        expect(verdict.code).toBe('WIDGET_SETTINGS_INVALID');
        expect(verdict.message).toMatch(/^this inbox's widget settings are invalid \(allowedOrigins.*\); an admin must correct them$/);
      }
    }
    expect(anyInboxAllows([settings], 'https://evil.example')).toBe(false);
  });

  test('a bad cosmetic value falls back to its default; a bad identity secret counts as none', () => {
    const verdict = embedVerdict({ greeting: 42, lang: 'fr', prechat: 'yes', identitySecret: 'short', allowedOrigins: ['https://shop.vn'] }, 'https://shop.vn');
    expect(verdict).toEqual({ ok: true, settings: { greeting: null, lang: 'vi', prechat: { name: 'off', phone: 'off', email: 'off' }, identitySecret: undefined, allowedOrigins: ['https://shop.vn'] } });
  });

  test('a preflight (no inbox named) is answered when some inbox allows the origin', () => {
    expect(anyInboxAllows([restricted, { allowedOrigins: ['https://other.vn'] }], 'https://other.vn')).toBe(true);
    expect(anyInboxAllows([restricted, { allowedOrigins: ['https://other.vn'] }], 'https://evil.example')).toBe(false);
    expect(anyInboxAllows([restricted, {}], 'https://evil.example')).toBe(true); // an open inbox opens preflights
    expect(anyInboxAllows([], 'https://shop.vn')).toBe(false);
  });
});

describe('the agent namespace: our own origin only', () => {
  const configured = { publicUrl: () => 'https://care.shop.vn', publicUrlConfigured: true };
  const unset = { publicUrl: () => 'http://127.0.0.1:3000', publicUrlConfigured: false };

  test('with PUBLIC_URL: its origin, or no Origin (not a browser); never another site or host', () => {
    expect(isOwnOrigin('https://care.shop.vn', 'care.shop.vn', configured)).toBe(true);
    expect(isOwnOrigin(undefined, 'care.shop.vn', configured)).toBe(true);
    expect(isOwnOrigin('https://evil.example', 'care.shop.vn', configured)).toBe(false);
    expect(isOwnOrigin('https://chat.shop.vn', 'care.shop.vn', configured)).toBe(false); // same site, another origin
    expect(isOwnOrigin('http://care.shop.vn', 'care.shop.vn', configured)).toBe(false); // the same host without TLS
    expect(isOwnOrigin('http://10.0.0.5:3000', '10.0.0.5:3000', configured)).toBe(false);
  });

  test('without PUBLIC_URL (development): the listening address or the host the page was loaded from', () => {
    expect(isOwnOrigin('http://127.0.0.1:3000', '127.0.0.1:3000', unset)).toBe(true);
    expect(isOwnOrigin('http://localhost:3000', 'localhost:3000', unset)).toBe(true);
    expect(isOwnOrigin('http://evil.example', 'localhost:3000', unset)).toBe(false);
  });
});
