import { JwtService } from '@nestjs/jwt';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { dropDatabase, parseDatabaseUrl } from '../src/database/database-options';
import { deleteRedisKeys, waitFor } from './support/harness';
import { freePort } from './support/fault-lab';
import { SWC_PRELOAD } from './support/processes';

const ROOT = join(__dirname, '..');

/** The development secret earlier versions used when JWT_SECRET was unset: anyone can read it. */
const REPOSITORY_DEFAULT_SECRET = 'jifen-dev-secret-change-me';

/**
 * An entry point of the app as a child process: `src/scripts/start-demo.ts` (`npm run start:demo`:
 * migrate, seed, serve every role) or `src/main.ts` (`npm start`).
 */
class Proc {
  private child?: ChildProcess;
  output = '';

  constructor(
    private readonly entry: string,
    private readonly ready: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, ['-r', SWC_PRELOAD, this.entry], {
      cwd: ROOT,
      // Exactly this environment: no NODE_ENV (development), no JWT_SECRET.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 110_000,
      killSignal: 'SIGKILL',
    });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    await waitFor(
      async () => ({ running: this.output.includes(this.ready), exited: child.exitCode !== null }),
      (s) => s.running || s.exited,
      { timeoutMs: 100_000, everyMs: 200, what: `${this.entry} to start` },
    );
    if (!this.output.includes(this.ready)) throw new Error(`${this.entry} did not start:\n${this.output}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * The development JWT secret: without NODE_ENV=production and without JWT_SECRET, the demo
 * generates a random secret on its first start and keeps it (encrypted, in the database), so a
 * token signed with the secret the repository once published is refused, while another process on
 * the same database (or a restart) accepts the sessions of the first.
 */
describe('the demo without a configured JWT secret', () => {
  const base = parseDatabaseUrl(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/jifen_test');
  const auth = base.password
    ? `${encodeURIComponent(base.username)}:${encodeURIComponent(base.password)}`
    : encodeURIComponent(base.username);
  const databaseUrl = `${base.scheme}://${auth}@${base.host}:${base.port}/jifen_devsecret_${process.pid}_${randomBytes(3).toString('hex')}`;
  const queuePrefix = `jd${process.pid}${randomBytes(3).toString('hex')}`;
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  let demo: Proc;
  let second: Proc;
  let api: string;
  let api2: string;

  beforeAll(async () => {
    const [port, port2] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${port}`;
    api2 = `http://127.0.0.1:${port2}`;
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: queuePrefix };
    demo = new Proc('src/scripts/start-demo.ts', 'demo is running', { ...env, PORT: String(port) });
    second = new Proc('src/main.ts', 'API listening', {
      ...env,
      PORT: String(port2),
      APP_ROLE: 'api',
      LOG_LEVEL: 'info',
    });
    await demo.start();
  });
  afterAll(async () => {
    await second?.stop();
    await demo?.stop();
    await dropDatabase(databaseUrl);
    await deleteRedisKeys(redisUrl, queuePrefix);
  });

  // No keep-alive: a stop then does not wait for idle connections to time out.
  const http = (base = api) => ({
    get: (path: string) => request(base).get(path).set('Connection', 'close'),
    post: (path: string) => request(base).post(path).set('Connection', 'close'),
  });
  const me = (token: string, base = api) =>
    http(base).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
  const claimsOf = (token: string) => {
    const { iat: _i, exp: _e, ...claims } = new JwtService().decode(token) as Record<string, unknown>;
    return claims;
  };

  it('refuses a token signed with the repository’s default secret; another process shares the generated one', async () => {
    expect(demo.output).toContain('JWT_SECRET is not set; using a random secret generated on first start');
    const login = await http()
      .post('/api/v1/auth/login')
      .send({ username: 'demo.city_admin', password: 'demo12345' });
    expect(login.status).toBe(200);
    const token: string = login.body.accessToken;
    expect((await me(token)).status).toBe(200);

    // Everything right but the secret: the city administrator's claims, signed with the published one.
    const forged = new JwtService({ secret: REPOSITORY_DEFAULT_SECRET }).sign(claimsOf(token), {
      algorithm: 'HS256',
      expiresIn: 3600,
    });
    const refused = await me(forged);
    expect([refused.status, refused.body.code]).toEqual([401, 'UNAUTHORIZED']);
    const forgedAdmin = new JwtService({ secret: REPOSITORY_DEFAULT_SECRET }).sign(
      { ...claimsOf(token), roles: ['city_admin'], rp: null, rid: null },
      { algorithm: 'HS256', expiresIn: 3600 },
    );
    expect(
      (await http().get('/api/v1/ledger/audit').set('Authorization', `Bearer ${forgedAdmin}`)).status,
    ).toBe(401);

    // Another process on the same database (an API replica, or the demo restarted) reads the same
    // secret: the session goes on there, the forgery fails there too.
    await second.start();
    expect(second.output).toContain('JWT_SECRET is not set');
    expect((await me(token, api2)).status).toBe(200);
    expect((await me(forged, api2)).status).toBe(401);
  });
});
