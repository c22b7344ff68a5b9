import { ConfigError } from '../../src/config/config';
import { loadZaloConfig, validateZaloConfig } from './config';

const full = {
  ZALO_APP_ID: '2553928453557884079',
  ZALO_APP_SECRET: 'app-secret-value-123',
  ZALO_OA_ID: '3662729599332560487',
  ZALO_OA_SECRET_KEY: 'oa-secret-key-value-456',
  ZALO_REFRESH_TOKEN: 'refresh-token-value-789',
};

describe('loadZaloConfig', () => {
  it('is null when no Zalo credential is set (channel off), even with URLs or empty values', () => {
    expect(loadZaloConfig({})).toBeNull();
    expect(loadZaloConfig({ ZALO_API_URL: 'http://127.0.0.1:1', ZALO_APP_ID: '', PATH: '/usr/bin' })).toBeNull();
  });

  it('parses a full config with defaults, frozen', () => {
    const config = loadZaloConfig(full);
    expect(config).toEqual({
      appId: full.ZALO_APP_ID,
      appSecret: full.ZALO_APP_SECRET,
      oaId: full.ZALO_OA_ID,
      oaSecretKey: full.ZALO_OA_SECRET_KEY,
      accessToken: undefined,
      refreshToken: full.ZALO_REFRESH_TOKEN,
      apiUrl: 'https://openapi.zalo.me',
      oauthUrl: 'https://oauth.zaloapp.com',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes custom URLs (simulator) without trailing slash', () => {
    const config = loadZaloConfig({ ...full, ZALO_API_URL: 'http://127.0.0.1:4010/', ZALO_OAUTH_URL: 'http://127.0.0.1:4011' });
    expect(config).toMatchObject({ apiUrl: 'http://127.0.0.1:4010', oauthUrl: 'http://127.0.0.1:4011' });
  });

  it('lists every problem of a partial config by variable, never with the secret values', () => {
    const env = { ZALO_APP_ID: 'abc', ZALO_APP_SECRET: 'app-secret-value-123', ZALO_API_URL: 'ftp://x' };
    const result = validateZaloConfig(env);
    expect(result).not.toBeNull();
    if (!result || result.ok) throw new Error('expected problems');
    expect(result.problems.map((p) => p.variable).sort()).toEqual(['ZALO_API_URL', 'ZALO_APP_ID', 'ZALO_OA_ID', 'ZALO_OA_SECRET_KEY', 'ZALO_REFRESH_TOKEN']);
    expect(JSON.stringify(result.problems)).not.toContain('app-secret-value-123');
    expect(() => loadZaloConfig(env)).toThrow(ConfigError);
    try {
      loadZaloConfig(env);
    } catch (err) {
      expect((err as Error).message).toContain('ZALO_OA_SECRET_KEY');
      expect((err as Error).message).not.toContain('app-secret-value-123');
    }
  });
});
