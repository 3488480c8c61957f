import { createTestApp, TestApp } from './support/harness';
import { User, World } from './support/world';

const MAX_FAILURES = 5;
const ADDRESS_MAX_FAILURES = 30;

/**
 * Login limits beyond the per-username one (auth.e2e-spec.ts): a device that logged in before has
 * a count of its own, so other people's wrong guesses never lock its owner out; and failures per
 * client address are limited, so a spray of guesses over many usernames stops, while successes
 * never count (a shared terminal where people type their passwords right never meets the limit).
 */
describe('login limits: known devices and client addresses', () => {
  let t: TestApp;
  let world: World;
  let community: Awaited<ReturnType<World['community']>>;

  beforeAll(async () => {
    t = await createTestApp({
      role: 'api',
      env: {
        LOGIN_MAX_FAILURES: String(MAX_FAILURES),
        LOGIN_ADDRESS_MAX_FAILURES: String(ADDRESS_MAX_FAILURES),
      },
    });
    world = new World(t);
    community = await world.community();
  });
  afterAll(() => t?.close());

  /** A login from `address` (the app trusts X-Forwarded-For from the loopback proxy, as behind nginx). */
  const login = (username: string, password: string, opts: { deviceToken?: string; address?: string } = {}) =>
    t
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', opts.address ?? '192.0.2.1')
      .send({ username, password, ...(opts.deviceToken ? { deviceToken: opts.deviceToken } : {}) });

  describe('a device that logged in before', () => {
    let victim: User;
    let device: string;

    beforeAll(async () => {
      victim = await world.resident(community.id);
      const first = await login(victim.username, victim.password, { address: '192.0.2.10' });
      expect(first.status).toBe(200);
      device = first.body.deviceToken;
    });

    it('gets a device token with every login, the same one while it is known', async () => {
      expect(device).toMatch(/^jfd_[A-Za-z0-9_-]{43}$/);
      const again = await login(victim.username, victim.password, {
        deviceToken: device,
        address: '192.0.2.10',
      });
      expect([again.status, again.body.deviceToken]).toEqual([200, device]);
      // Only its hash is stored.
      const [row] = await t.sql<{ n: number | string }>(
        'SELECT COUNT(*) AS n FROM login_devices WHERE user_id = ? AND token_hash <> ?',
        [victim.id, device],
      );
      expect(Number(row.n)).toBeGreaterThan(0);
      expect(await world.count('login_devices', 'token_hash = ?', [device])).toBe(0);
    });

    it('is not locked out by a burst of wrong guesses from elsewhere, which do lock the username', async () => {
      const burst = await Promise.all(
        Array.from({ length: MAX_FAILURES + 7 }, (_, i) =>
          login(victim.username, `guess-${i}`, { address: `198.51.100.${i + 1}` }),
        ),
      );
      const statuses = burst.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_FAILURES);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);

      // From a device that never logged in as the victim, even the right password waits ...
      const unknown = await login(victim.username, victim.password, { address: '192.0.2.11' });
      expect([unknown.status, unknown.body.code, unknown.body.details.limit]).toEqual([
        429,
        'TOO_MANY_ATTEMPTS',
        'username',
      ]);
      expect(Number(unknown.headers['retry-after'])).toBeGreaterThan(0);
      // ... and a device token of someone else, or a made-up one, is no known device.
      const other = await world.resident(community.id);
      const othersDevice = (await login(other.username, other.password)).body.deviceToken;
      for (const deviceToken of [othersDevice, 'jfd_made-up-token'])
        expect((await login(victim.username, victim.password, { deviceToken })).status).toBe(429);

      // The victim's own device logs in.
      const known = await login(victim.username, victim.password, {
        deviceToken: device,
        address: '192.0.2.10',
      });
      expect([known.status, known.body.user.id]).toEqual([200, victim.id]);
      const me = await t.http().get('/api/v1/me').set('Authorization', `Bearer ${known.body.accessToken}`);
      expect(me.status).toBe(200);
    });

    it('has a limit of its own: wrong passwords on the device lock the device, not the others', async () => {
      const owner = await world.resident(community.id);
      const mine = (await login(owner.username, owner.password)).body.deviceToken;
      const laptop = (await login(owner.username, owner.password)).body.deviceToken;
      const wrong = await Promise.all(
        Array.from({ length: MAX_FAILURES + 3 }, () =>
          login(owner.username, 'not-it', { deviceToken: mine }),
        ),
      );
      expect(wrong.map((r) => r.status).sort()).toEqual([
        ...Array(MAX_FAILURES).fill(401),
        ...Array(3).fill(429),
      ]);
      const locked = await login(owner.username, owner.password, { deviceToken: mine });
      expect([locked.status, locked.body.details.limit]).toEqual([429, 'device']);
      // The username's own count was not touched, and the owner's other device is fine.
      expect((await login(owner.username, owner.password, { deviceToken: laptop })).status).toBe(200);
      expect((await login(owner.username, owner.password)).status).toBe(200);
      // The device's window ends like any other.
      await t.sql(
        'UPDATE login_devices SET window_started_at = window_started_at - INTERVAL 1 DAY WHERE user_id = ?',
        [owner.id],
      );
      expect((await login(owner.username, owner.password, { deviceToken: mine })).status).toBe(200);
    });

    it('is forgotten after LOGIN_DEVICE_DAYS without a login', async () => {
      const u = await world.resident(community.id);
      const token = (await login(u.username, u.password)).body.deviceToken;
      await t.sql(
        'UPDATE login_devices SET last_login_at = last_login_at - INTERVAL 400 DAY WHERE user_id = ?',
        [u.id],
      );
      const res = await login(u.username, u.password, { deviceToken: token });
      expect(res.status).toBe(200);
      expect(res.body.deviceToken).not.toBe(token);
      expect(await world.count('login_devices', 'user_id = ?', [u.id])).toBe(1);
    });
  });

  describe('per client address, failures only', () => {
    it('stops a spray of wrong passwords over many usernames from one address', async () => {
      const spray = await Promise.all(
        Array.from({ length: ADDRESS_MAX_FAILURES + 10 }, (_, i) =>
          login(`sprayed-user-${i}`, 'Password1', { address: '203.0.113.9' }),
        ),
      );
      const statuses = spray.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(ADDRESS_MAX_FAILURES).fill(401), ...Array(10).fill(429)]);
      const stopped = spray.find((r) => r.status === 429)!;
      expect(stopped.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', details: { limit: 'address' } });
      expect(Number(stopped.headers['retry-after'])).toBeGreaterThan(0);

      // The address stays stopped for the window, for any username ...
      const someone = await world.resident(community.id);
      expect((await login(someone.username, 'wrong-one', { address: '203.0.113.9' })).status).toBe(429);
      // ... other addresses are not affected, nor is a device that logged in before.
      const device = (await login(someone.username, someone.password, { address: '203.0.113.10' })).body
        .deviceToken;
      expect(
        (await login(someone.username, someone.password, { address: '203.0.113.9', deviceToken: device }))
          .status,
      ).toBe(200);
      // And the window ends.
      await t.sql(
        "UPDATE login_address_failures SET window_started_at = window_started_at - INTERVAL 1 DAY WHERE address = '203.0.113.9'",
      );
      expect((await login(someone.username, someone.password, { address: '203.0.113.9' })).status).toBe(200);
    });

    it('never counts successes: a shared terminal where many people log in never meets it', async () => {
      const people = await Promise.all(Array.from({ length: 12 }, () => world.resident(community.id)));
      const address = '203.0.113.50';
      const statuses: number[] = [];
      for (let round = 0; round < 3; round++) {
        // Each person mistypes once in a while, then gets it right.
        for (const p of people) {
          if (round === 1) statuses.push((await login(p.username, 'typo-typo', { address })).status);
          statuses.push((await login(p.username, p.password, { address })).status);
        }
      }
      expect(statuses.filter((s) => s === 429)).toEqual([]);
      expect(statuses.filter((s) => s === 200)).toHaveLength(3 * people.length);
      // 48 attempts from one address, of which the 12 failures count (fewer than the 30 allowed).
      const [row] = await t.sql<{ failures: number }>(
        'SELECT failures FROM login_address_failures WHERE address = ?',
        [address],
      );
      expect(Number(row.failures)).toBe(people.length);
    });
  });
});
