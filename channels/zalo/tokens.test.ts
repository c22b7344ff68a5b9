import { HOUR, ManualClock } from '../../src/core/clock';
import { GatewayError } from '../../src/core/errors';
import { readTokenResponse } from './oauth-client';
import { startFakeZalo, type FakeZalo } from './simulator/fake-zalo-server';
import { InMemoryTokenStore, type TokenPair, type TokenStore } from './token-store';
import { needsRefresh, TokenManager } from './tokens';

const APP = { appId: '2553928453557884079', appSecret: 'fake-app-secret', oaId: '3662729599332560487' };

let clock: ManualClock;
let zalo: FakeZalo;

beforeEach(async () => {
  clock = new ManualClock('2026-01-05T02:00:00Z');
  zalo = await startFakeZalo({ ...APP, now: () => clock.now().getTime() });
});
afterEach(() => zalo.close());

function manager(store: TokenStore, extra: Partial<ConstructorParameters<typeof TokenManager>[0]> = {}) {
  return new TokenManager({ ...APP, oauthUrl: zalo.oauthUrl, store, clock, ...extra });
}

/** A stored pair from the fake, as after the first OAuth connection. */
function connectedStore(): { store: InMemoryTokenStore; pair: TokenPair } {
  const issued = zalo.issueInitialTokens();
  const pair = { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: new Date(clock.now().getTime() + 25 * HOUR) };
  return { store: new InMemoryTokenStore({ [APP.oaId]: pair }), pair };
}

const refreshCalls = () => zalo.calls.filter((c) => c.server === 'oauth' && (c.body as Record<string, string>)?.grant_type === 'refresh_token');

describe('TokenManager against the fake OAuth v4 server', () => {
  it('uses a fresh token without calling OAuth', async () => {
    const { store, pair } = connectedStore();
    await expect(manager(store).accessToken()).resolves.toBe(pair.accessToken);
    expect(zalo.refreshCount).toBe(0);
  });

  it('50 concurrent callers during expiry → exactly ONE refresh; the rotated pair is persisted and shared', async () => {
    const { store, pair } = connectedStore();
    clock.advance(25 * HOUR); // expired
    const tokens = manager(store);
    const results = await Promise.all(Array.from({ length: 50 }, () => tokens.accessToken()));

    expect(zalo.refreshCount).toBe(1);
    expect(refreshCalls()).toHaveLength(1);
    const call = refreshCalls()[0];
    expect(call?.headers.secretKey).toBe(APP.appSecret);
    expect(call?.headers.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(call?.body).toEqual({ app_id: APP.appId, refresh_token: pair.refreshToken, grant_type: 'refresh_token' });

    const answer = call?.answer as { access_token: string; refresh_token: string; expires_in: string };
    expect(typeof answer.expires_in).toBe('string');
    expect(new Set(results)).toEqual(new Set([answer.access_token]));
    const stored = await store.load(APP.oaId);
    expect(stored).toEqual({ accessToken: answer.access_token, refreshToken: answer.refresh_token, expiresAt: new Date(clock.now().getTime() + 90_000_000), issuedAt: clock.now() });
    expect(stored?.refreshToken).not.toBe(pair.refreshToken);
  });

  it('two nodes sharing one store (and its lock) still refresh once', async () => {
    const { store } = connectedStore();
    clock.advance(24 * HOUR);
    const [a, b] = [manager(store), manager(store)];
    const results = await Promise.all([...Array.from({ length: 10 }, () => a.accessToken()), ...Array.from({ length: 10 }, () => b.accessToken())]);
    expect(zalo.refreshCount).toBe(1);
    expect(new Set(results).size).toBe(1);
  });

  it('refreshes ahead of expiry: at ~12 h of a 25 h token, not at 11 h', async () => {
    const { store } = connectedStore();
    const tokens = manager(store);
    clock.advance(11 * HOUR);
    await tokens.accessToken();
    expect(zalo.refreshCount).toBe(0);
    clock.advance(1 * HOUR + 1);
    await tokens.accessToken();
    expect(zalo.refreshCount).toBe(1);
  });

  it('saves the new pair BEFORE handing the token to anybody', async () => {
    const { store } = connectedStore();
    clock.advance(25 * HOUR);
    const events: string[] = [];
    const slowStore: TokenStore = {
      load: (id) => store.load(id),
      withRefreshLock: (id, fn) => store.withRefreshLock(id, fn),
      list: () => store.list(),
      save: async (id, pair) => {
        events.push('save started');
        await new Promise((r) => setImmediate(r));
        await store.save(id, pair);
        events.push('save done');
      },
    };
    await manager(slowStore).accessToken().then(() => events.push('token returned'));
    expect(events).toEqual(['save started', 'save done', 'token returned']);
  });

  it('after a −216/−220 rejection: one refresh for all callers holding the same stale token, none for an already replaced one', async () => {
    const { store, pair } = connectedStore();
    const tokens = manager(store);
    const fresh = await Promise.all(Array.from({ length: 5 }, () => tokens.refreshAfterRejection(pair.accessToken)));
    expect(zalo.refreshCount).toBe(1);
    expect(new Set(fresh).size).toBe(1);
    await expect(tokens.refreshAfterRejection(pair.accessToken)).resolves.toBe(fresh[0]);
    expect(zalo.refreshCount).toBe(1);
  });

  it('a reused (already spent) refresh token → needs reconnect, and it is not tried again', async () => {
    const { store, pair } = connectedStore();
    clock.advance(25 * HOUR);
    await manager(store).accessToken(); // node A rotates the pair
    const staleNode = manager(new InMemoryTokenStore({ [APP.oaId]: pair })); // node B still holds the old pair

    const error = await staleNode.accessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'GW_ERR_CHANNEL_AUTH_EXPIRED', retryable: false, details: { zaloCode: -14014, needsReconnect: true } });
    expect(zalo.refreshCount).toBe(2);

    await expect(staleNode.accessToken()).rejects.toMatchObject({ details: { needsReconnect: true } });
    expect(zalo.refreshCount).toBe(2); // no second HTTP call with a known-dead refresh token
  });

  it('an OAuth error inside HTTP 200 never overwrites the stored pair', async () => {
    const { store, pair } = connectedStore();
    clock.advance(25 * HOUR);
    zalo.failNext(1, -14020, { path: '/v4/oa/access_token' });
    await expect(manager(store).accessToken()).rejects.toMatchObject({ details: { needsReconnect: true, zaloCode: -14020 } });
    expect(await store.load(APP.oaId)).toEqual(pair);
  });

  it('seeds an empty store from the env refresh token, refreshes at once and persists the rotation', async () => {
    const issued = zalo.issueInitialTokens();
    const store = new InMemoryTokenStore();
    const tokens = manager(store, { seed: { accessToken: issued.accessToken, refreshToken: issued.refreshToken } });
    const token = await tokens.accessToken();
    expect(zalo.refreshCount).toBe(1);
    expect(await store.load(APP.oaId)).toMatchObject({ accessToken: token });
    expect((await store.load(APP.oaId))?.refreshToken).not.toBe(issued.refreshToken);
  });

  it('no stored pair and no seed → needs reconnect, without calling OAuth', async () => {
    await expect(manager(new InMemoryTokenStore()).accessToken()).rejects.toMatchObject({ details: { needsReconnect: true } });
    expect(zalo.calls).toHaveLength(0);
  });

  it('a network failure during refresh is transient and keeps the stored pair', async () => {
    const { store, pair } = connectedStore();
    clock.advance(25 * HOUR);
    zalo.failNext(1, 'drop', { path: '/v4/oa/access_token' });
    await expect(manager(store).accessToken()).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: true });
    expect(await store.load(APP.oaId)).toEqual(pair);
  });
});

describe('needsRefresh', () => {
  const t0 = new Date('2026-01-05T00:00:00Z');
  const at = (h: number) => new Date(t0.getTime() + h * HOUR);
  const pair = (lifeH: number, issued = true) => ({ accessToken: 'a', refreshToken: 'r', expiresAt: at(lifeH), ...(issued ? { issuedAt: t0 } : {}) });

  it.each<[string, ReturnType<typeof pair> | null, number, boolean]>([
    ['no pair', null, 0, true],
    ['25 h token at 12 h', pair(25), 12, false],
    ['25 h token at 12.5 h', pair(25), 12.5, true],
    ['1 h token at 20 min (not on every call)', pair(1), 1 / 3, false],
    ['1 h token at 30 min', pair(1), 0.5, true],
    ['unknown issue time: 13 h before expiry', pair(25, false), 12, true],
  ])('%s', (_label, p, hours, expected) => {
    expect(needsRefresh(p, at(hours))).toBe(expected);
  });
});

describe('readTokenResponse', () => {
  const now = new Date('2026-01-05T02:00:00Z');

  it('reads the documented answer; expires_in is a string of seconds', () => {
    const docs = { access_token: 'RfBh5NdqsWzhcX8bDDe_1A463Z34Fhy1GVi63AoTU1InwujqF', refresh_token: 'L2Y2BO9Prn_I1SkM08T4J99bZQYVbOBPfTVeRgrLdPK4ZqGX9G', expires_in: '90000' };
    expect(readTokenResponse(200, docs, now)).toEqual({ accessToken: docs.access_token, refreshToken: docs.refresh_token, expiresAt: new Date(now.getTime() + 90_000_000), issuedAt: now });
  });

  it.each<[string, number, unknown, string]>([
    ['an empty 200 body', 200, {}, 'GW_ERR_CHANNEL_TRANSIENT'],
    ['a 200 body with only a message', 200, { message: 'Success' }, 'GW_ERR_CHANNEL_TRANSIENT'],
    ['access_token without refresh_token', 200, { access_token: 'x' }, 'GW_ERR_CHANNEL_TRANSIENT'],
    ['error_name with HTTP 200', 200, { error: -14014, error_name: 'Invalid refresh token' }, 'GW_ERR_CHANNEL_AUTH_EXPIRED'],
    ['an error code as a string', 200, { error: '-14020', error_description: 'expired' }, 'GW_ERR_CHANNEL_AUTH_EXPIRED'],
    ['an unknown OAuth error', 200, { error: -14002, error_name: 'Invalid secret key' }, 'GW_ERR_CHANNEL_AUTH_EXPIRED'],
    ['HTTP 502 without a body', 502, '', 'GW_ERR_CHANNEL_TRANSIENT'],
  ])('is never a success: %s', (_label, status, body, code) => {
    expect(() => readTokenResponse(status, body, now)).toThrow(expect.objectContaining({ code }));
  });
});
