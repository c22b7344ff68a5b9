import { ConfigError } from '../../src/config/config';
import { DEFAULT_API_VERSION, loadMessengerConfig } from './config';

const SECRET = 'e6af24be1d683c8c911949f897eea1f6';
const TOKEN_A = 'EAABsecretPageTokenA';
const TOKEN_B = 'EAABsecretPageTokenB';
const base = { MESSENGER_APP_SECRET: SECRET, MESSENGER_VERIFY_TOKEN: 'verify-me-please', MESSENGER_PAGES: `111:${TOKEN_A}, 222:${TOKEN_B}` };

function problemsOf(env: Record<string, string | undefined>): { variable: string; message: string }[] {
  try {
    loadMessengerConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadMessengerConfig', () => {
  it('returns null when the channel is not configured', () => {
    expect(loadMessengerConfig({})).toBeNull();
    expect(loadMessengerConfig({ MESSENGER_APP_SECRET: '', MESSENGER_PAGES: ' ', MESSENGER_GRAPH_URL: 'http://127.0.0.1:9' })).toBeNull();
  });

  it('parses a full configuration with defaults, frozen', () => {
    const config = loadMessengerConfig(base);
    expect(config).toEqual({
      appSecret: SECRET,
      verifyToken: 'verify-me-please',
      pages: { '111': TOKEN_A, '222': TOKEN_B },
      graphUrl: 'https://graph.facebook.com',
      apiVersion: DEFAULT_API_VERSION,
      humanAgent: false,
      appId: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config?.pages)).toBe(true);
  });

  it('reads the optional settings', () => {
    const config = loadMessengerConfig({ ...base, MESSENGER_GRAPH_URL: 'http://127.0.0.1:4010/', MESSENGER_API_VERSION: 'v25.0', MESSENGER_HUMAN_AGENT: 'TRUE', MESSENGER_APP_ID: '1517776481860111' });
    expect(config).toMatchObject({ graphUrl: 'http://127.0.0.1:4010', apiVersion: 'v25.0', humanAgent: true, appId: '1517776481860111' });
  });

  it('lists every problem of a partial configuration, by variable', () => {
    expect(problemsOf({ MESSENGER_PAGES: `111:${TOKEN_A}`, MESSENGER_HUMAN_AGENT: 'maybe' }).map((p) => p.variable).sort()).toEqual([
      'MESSENGER_APP_SECRET',
      'MESSENGER_HUMAN_AGENT',
      'MESSENGER_VERIFY_TOKEN',
    ]);
    expect(problemsOf({ MESSENGER_VERIFY_TOKEN: 'verify-me-please' }).map((p) => p.variable).sort()).toEqual(['MESSENGER_APP_SECRET', 'MESSENGER_PAGES']);
  });

  it.each([
    ['no colon', `111${TOKEN_A}`, /entry 1 must be pageId:pageAccessToken/],
    ['non-numeric page id', `my-page:${TOKEN_A}`, /entry 1: the page id must be digits/],
    ['empty token', '111:', /entry 1 \(page 111\): the access token is empty/],
    ['duplicate page', `111:${TOKEN_A},111:${TOKEN_B}`, /entry 2: page 111 is listed twice/],
  ])('rejects MESSENGER_PAGES with %s, without echoing tokens', (_name, pages, message) => {
    const problems = problemsOf({ ...base, MESSENGER_PAGES: pages });
    expect(problems).toEqual([{ variable: 'MESSENGER_PAGES', message: expect.stringMatching(message) }]);
  });

  it('never puts a secret in an error message', () => {
    let text = '';
    try {
      loadMessengerConfig({ MESSENGER_APP_SECRET: 'has space secret', MESSENGER_VERIFY_TOKEN: 'short', MESSENGER_PAGES: `x:${TOKEN_A},111:${TOKEN_B} extra`, MESSENGER_API_VERSION: '24' });
    } catch (err) {
      text = `${(err as Error).message} ${JSON.stringify((err as ConfigError).problems)}`;
    }
    expect(text).toMatch(/MESSENGER_APP_SECRET/);
    expect(text).toMatch(/MESSENGER_API_VERSION/);
    for (const secret of ['has space secret', 'short', TOKEN_A, TOKEN_B]) expect(text).not.toContain(secret);
  });
});
