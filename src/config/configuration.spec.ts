import { ConfigError, loadConfig } from './configuration';

describe('loadConfig', () => {
  it('uses documented defaults in development and warns about them', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBe('mysql://root@127.0.0.1:3306/jifen');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.port).toBe(3000);
    expect(c.role).toBe('all');
    expect(c.warnings.join(' ')).toContain('JWT_SECRET');
  });

  it('names every invalid value', () => {
    expect(() => loadConfig({ PORT: 'abc', APP_ROLE: 'cook', DATABASE_URL: 'postgres://x/y' })).toThrow(
      /PORT[\s\S]*APP_ROLE|APP_ROLE[\s\S]*PORT/,
    );
    try {
      loadConfig({ DATABASE_URL: 'postgres://x/y' });
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toContain('DATABASE_URL');
    }
  });

  it('requires secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required/);
    const c = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      ADMIN_USERNAME: 'root',
      ADMIN_PASSWORD: 'a-long-password',
      KEY_ENCRYPTION_SECRET: 'k'.repeat(32),
    });
    expect(c.warnings).toEqual([]);
    expect(c.jwtSecret).toBe('x'.repeat(32));
  });

  it('has no JWT secret of its own outside production: the app generates and keeps one', () => {
    const c = loadConfig({});
    expect(c.jwtSecret).toBeNull();
    expect(c.warnings.join(' ')).toContain(
      'JWT_SECRET is not set; using a random secret generated on first start',
    );
  });

  it('refuses the JWT secret the repository once published as its default', () => {
    expect(() => loadConfig({ JWT_SECRET: 'jifen-dev-secret-change-me' })).toThrow(
      /JWT_SECRET: this value was published/,
    );
  });

  it('reads the login, session and award settings', () => {
    const c = loadConfig({
      LOGIN_ADDRESS_MAX_FAILURES: '50',
      LOGIN_DEVICE_DAYS: '30',
      AUTH_CACHE_SECONDS: '0',
      AWARD_DEDUP_SECONDS: '0',
    });
    expect([c.loginAddressMaxFailures, c.loginDeviceDays, c.authCacheSeconds, c.awardDedupSeconds]).toEqual([
      50, 30, 0, 0,
    ]);
    const d = loadConfig({});
    expect([d.loginAddressMaxFailures, d.loginDeviceDays, d.authCacheSeconds, d.awardDedupSeconds]).toEqual([
      300, 180, 5, 10,
    ]);
    expect(() => loadConfig({ AUTH_CACHE_SECONDS: '-1' })).toThrow(/AUTH_CACHE_SECONDS/);
  });

  it('rejects a short JWT secret', () => {
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });
});
