import { ConfigError, loadConfig } from '../../src/config/config';

describe('configuration', () => {
  test('defaults give a runnable embedded setup', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: './data', databaseUrl: undefined, logLevel: 'info', publicUrl: 'http://127.0.0.1:3000' });
    expect(c.reopenWindowMs).toBe(7 * 24 * 3600 * 1000);
    expect(Object.isFrozen(c)).toBe(true);
  });

  test('empty values mean unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
  });

  test('every problem is listed with its variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: '70000', HOST: '', REDIS_URL: 'http://cache', OMNIGATE_ADMIN_EMAIL: 'a@b.vn', OMNIGATE_REOPEN_WINDOW_HOURS: '-1' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.variable).sort()).toEqual(['OMNIGATE_ADMIN_PASSWORD', 'OMNIGATE_REOPEN_WINDOW_HOURS', 'PORT', 'REDIS_URL']);
    expect(error!.message).toMatch(/PORT: /);
  });

  test('crash-recovery leases: defaults, seconds to ms, and a sending lease shorter than a send is refused', () => {
    expect(loadConfig({})).toMatchObject({ inboundLeaseMs: 30_000, sendingLeaseMs: 60_000 });
    expect(loadConfig({ OMNIGATE_INBOUND_LEASE_SECONDS: '5', OMNIGATE_SENDING_LEASE_SECONDS: '20.5' })).toMatchObject({ inboundLeaseMs: 5_000, sendingLeaseMs: 20_500 });
    expect(() => loadConfig({ OMNIGATE_SENDING_LEASE_SECONDS: '10' })).toThrow(/OMNIGATE_SENDING_LEASE_SECONDS: must be at least 20 seconds/);
    expect(() => loadConfig({ OMNIGATE_INBOUND_LEASE_SECONDS: 'soon' })).toThrow(/OMNIGATE_INBOUND_LEASE_SECONDS: must be a number of seconds/);
  });

  test('prepared statements: on unless DATABASE_PREPARED_STATEMENTS=off; anything else is refused', () => {
    expect(loadConfig({}).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'off' }).databasePreparedStatements).toBe(false);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false' })).toThrow(/DATABASE_PREPARED_STATEMENTS: must be on or off/);
  });

  test('PUBLIC_URL overrides the derived one, without a trailing slash', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://chat.anphat.vn/' }).publicUrl).toBe('https://chat.anphat.vn');
  });
});
