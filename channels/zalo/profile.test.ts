import { HOUR, ManualClock } from '../../src/core/clock';
import { createZaloApi } from './oa-api';
import { createZaloProfiles, toContactProfile } from './profile';
import { startFakeZalo, type FakeZalo } from './simulator/fake-zalo-server';
import { InMemoryTokenStore } from './token-store';
import { TokenManager } from './tokens';

const APP = { appId: '2553928453557884079', appSecret: 'fake-app-secret', oaId: '3662729599332560487' };

let clock: ManualClock;
let zalo: FakeZalo;
let errors: unknown[];

beforeEach(async () => {
  clock = new ManualClock('2026-01-05T02:00:00Z');
  zalo = await startFakeZalo({
    ...APP,
    now: () => clock.now().getTime(),
    users: {
      u1: { displayName: 'Nguyễn Văn A', avatar: 'https://s120-ava-talk.zadn.vn/a.jpg', phone: 84912345678 },
      u2: { displayName: 'Trần B', follower: false },
    },
  });
  errors = [];
});
afterEach(() => zalo.close());

function profiles() {
  const issued = zalo.issueInitialTokens();
  const store = new InMemoryTokenStore({ [APP.oaId]: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: new Date(clock.now().getTime() + 25 * HOUR) } });
  const tokens = new TokenManager({ ...APP, oauthUrl: zalo.oauthUrl, store, clock });
  return createZaloProfiles({ api: createZaloApi({ baseUrl: zalo.url }), tokens, clock, ttlMs: HOUR, onError: (e) => errors.push(e) });
}

const detailCalls = () => zalo.calls.filter((c) => c.path === '/v3.0/oa/user/detail');

describe('Zalo profiles', () => {
  it('maps user/detail to a ContactProfile (numeric phone → string) with data={"user_id"} and the access_token header', async () => {
    await expect(profiles().get('u1')).resolves.toEqual({ name: 'Nguyễn Văn A', avatarUrl: 'https://s120-ava-talk.zadn.vn/a.jpg', phone: '84912345678' });
    expect(detailCalls()[0]?.query).toEqual({ data: '{"user_id":"u1"}' });
    expect(detailCalls()[0]?.headers.accessToken).toBeTruthy();
  });

  it('caches for the TTL, shares concurrent lookups, then asks again', async () => {
    const p = profiles();
    await Promise.all([p.get('u1'), p.get('u1'), p.get('u1')]);
    await p.get('u1');
    expect(detailCalls()).toHaveLength(1);
    clock.advance(HOUR + 1);
    await p.get('u1');
    expect(detailCalls()).toHaveLength(2);
  });

  it('a non-follower (−213) is null, not an error', async () => {
    await expect(profiles().get('u2')).resolves.toBeNull();
    expect(errors).toEqual([]);
  });

  it('never throws: failures give null, are reported, and are not cached', async () => {
    const p = profiles();
    zalo.failNext(1, 'http500');
    await expect(p.get('u1')).resolves.toBeNull();
    expect(errors).toHaveLength(1);
    await expect(p.get('u1')).resolves.toMatchObject({ name: 'Nguyễn Văn A' });
  });

  it('refreshes once on −220 and retries', async () => {
    const p = profiles();
    zalo.expireAccessTokens();
    await expect(p.get('u1')).resolves.toMatchObject({ name: 'Nguyễn Văn A' });
    expect(zalo.refreshCount).toBe(1);
  });

  it('drops fields the core would refuse (bad avatar URL) and keeps the rest', () => {
    expect(toContactProfile({ display_name: 'C', avatar: 'not a url', shared_info: { phone: '0912' } })).toEqual({ name: 'C', phone: '0912' });
    expect(toContactProfile({})).toBeNull();
  });
});
