import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config/configuration';
import { SWC_PRELOAD } from './support/processes';

const ROOT = join(__dirname, '..');

/** Starts the app with exactly this environment (nothing inherited but PATH and HOME). */
function start(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', SWC_PRELOAD, 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A start-up that does not stop by itself is killed (and then fails the exit-code assertion).
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      resolve({ code, stderr, stdout });
    });
  });
}

const PRODUCTION_SECRETS = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-0123456789',
  ADMIN_USERNAME: 'root',
  ADMIN_PASSWORD: 'a-long-password',
  KEY_ENCRYPTION_SECRET: 'a-key-encryption-secret-0123',
};

describe('configuration is checked at start-up', () => {
  it('stops the process with a message naming a bad value (PORT=abc) or a missing secret', async () => {
    const { JWT_SECRET: _omitted, ...withoutJwt } = PRODUCTION_SECRETS;
    const [badPort, noJwt] = await Promise.all([
      start({ PORT: 'abc', APP_ROLE: 'api' }),
      start({ ...withoutJwt, APP_ROLE: 'api' }),
    ]);

    expect(badPort.code).toBe(78); // EX_CONFIG
    expect(badPort.stderr).toContain('PORT: PORT must be an integer');
    expect(badPort.stderr).not.toMatch(/JWT_SECRET|ADMIN_PASSWORD|APP_ROLE/);
    expect(badPort.stdout).not.toContain('listening');

    expect(noJwt.code).toBe(78);
    expect(noJwt.stderr).toContain('JWT_SECRET: required when NODE_ENV=production');
    expect(noJwt.stderr).not.toMatch(/ADMIN_USERNAME|ADMIN_PASSWORD|KEY_ENCRYPTION_SECRET|PORT/);
  });

  describe('loadConfig', () => {
    const problemsOf = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error(`expected ${JSON.stringify(env)} to be refused`);
    };

    it('accepts a complete production environment (control for the cases below)', () => {
      const c = loadConfig({ ...PRODUCTION_SECRETS, PORT: '8080', JWT_EXPIRES_IN: '15m' });
      expect(c).toMatchObject({ port: 8080, jwtExpiresIn: 900, nodeEnv: 'production', warnings: [] });
    });

    it('names each bad value once, with one problem each', () => {
      const msg = problemsOf({ PORT: 'abc', APP_ROLE: 'cook', REDIS_URL: 'localhost:6379' });
      expect(msg.match(/^ {2}- /gm)).toHaveLength(3);
      expect(msg).toContain('PORT: PORT must be an integer');
      expect(msg).toContain('APP_ROLE');
      expect(msg).toContain('REDIS_URL');
      expect(problemsOf({ PORT: '70000' })).toContain('PORT: PORT must not be greater than 65535');
    });

    it('requires every secret in production, naming each', () => {
      const msg = problemsOf({ NODE_ENV: 'production' });
      for (const name of ['JWT_SECRET', 'ADMIN_USERNAME', 'ADMIN_PASSWORD', 'KEY_ENCRYPTION_SECRET'])
        expect(msg).toContain(`${name}: required when NODE_ENV=production`);
    });

    it('reads JWT_EXPIRES_IN as seconds or with a unit, and refuses anything else', () => {
      expect(loadConfig({ JWT_EXPIRES_IN: '3600' }).jwtExpiresIn).toBe(3600);
      expect(loadConfig({ JWT_EXPIRES_IN: '12h' }).jwtExpiresIn).toBe(43200);
      expect(loadConfig({ JWT_EXPIRES_IN: '7d' }).jwtExpiresIn).toBe(7 * 86400);
      expect(problemsOf({ JWT_EXPIRES_IN: 'forever' })).toContain('JWT_EXPIRES_IN');
    });

    it('refuses a BODY_LIMIT that the body parser could not read', () => {
      expect(loadConfig({ BODY_LIMIT: '2mb' }).bodyLimit).toBe('2mb');
      expect(problemsOf({ BODY_LIMIT: 'lots' })).toContain('BODY_LIMIT');
    });
  });
});
