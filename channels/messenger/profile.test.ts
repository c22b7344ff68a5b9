import { staticPageTokens } from './pages';
import { createGraphApi } from './graph-api';
import { createProfileFetcher, toProfile } from './profile';
import { startFakeGraph, type FakeGraph } from './simulator/fake-graph-server';

const PAGE = '111';
const TOKEN = 'EAAB-page-token-111';
let fake: FakeGraph;
beforeAll(async () => {
  fake = await startFakeGraph({
    pages: { [PAGE]: TOKEN },
    users: { '222': { first_name: 'Lan', last_name: 'Nguyễn', profile_pic: 'https://cdn.example.com/p/222.jpg' }, '333': { first_name: 'Minh', last_name: '' } },
  });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function setup(opts: { pages?: Record<string, string> } = {}) {
  let t = 0;
  const errors: unknown[] = [];
  const fetcher = createProfileFetcher({
    graph: createGraphApi({ graphUrl: fake.url, apiVersion: 'v24.0' }),
    pages: staticPageTokens(opts.pages ?? { [PAGE]: TOKEN }),
    ttlMs: 60_000,
    failureTtlMs: 5_000,
    now: () => t,
    onError: (err) => errors.push(err),
  });
  return { fetcher, errors, advance: (ms: number) => void (t += ms) };
}

describe('profile fetcher', () => {
  it('fetches first+last name and picture with the Page token, then serves it from the cache', async () => {
    const { fetcher, advance } = setup();
    expect(await fetcher.get(PAGE, '222')).toEqual({ name: 'Lan Nguyễn', avatarUrl: 'https://cdn.example.com/p/222.jpg' });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ method: 'GET', path: '/v24.0/222', query: { fields: 'first_name,last_name,profile_pic' } });
    expect(fake.calls[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    advance(59_000);
    await fetcher.get(PAGE, '222');
    expect(fake.calls).toHaveLength(1);
    advance(2_000);
    await fetcher.get(PAGE, '222');
    expect(fake.calls).toHaveLength(2);
  });

  it('asks Meta once for concurrent lookups of the same contact', async () => {
    const { fetcher } = setup();
    const [a, b] = await Promise.all([fetcher.get(PAGE, '333'), fetcher.get(PAGE, '333')]);
    expect(a).toEqual({ name: 'Minh' });
    expect(b).toEqual(a);
    expect(fake.calls).toHaveLength(1);
  });

  it('turns errors into null (reported, never thrown) and remembers the failure for a short time', async () => {
    const { fetcher, errors, advance } = setup();
    expect(await fetcher.get(PAGE, '404')).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ code: 'GW_ERR_VALIDATION' })]);
    await fetcher.get(PAGE, '404');
    expect(fake.calls).toHaveLength(1);
    advance(6_000);
    fake.failNext(1, { code: 2 });
    expect(await fetcher.get(PAGE, '404')).toBeNull();
    expect(errors).toHaveLength(2);
    expect(await setup({ pages: {} }).fetcher.get(PAGE, '222')).toBeNull();
  });

  it('drops what the core would reject', () => {
    expect(toProfile({ first_name: '  ', last_name: undefined, profile_pic: 'not a url' })).toBeNull();
    expect(toProfile({ first_name: 'An', profile_pic: 42 })).toEqual({ name: 'An' });
  });
});
