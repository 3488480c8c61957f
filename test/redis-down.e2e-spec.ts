import { Queue } from 'bullmq';
import { TransactionService } from '../src/database/transaction.service';
import { OutboxService } from '../src/jobs/outbox.service';
import { producerRedisOptions } from '../src/jobs/redis-options';
import { freePort, OwnRedis, timed } from './support/fault-lab';
import { createTestApp, TestApp, waitFor } from './support/harness';
import { World } from './support/world';

describe('Redis down', () => {
  let redis: OwnRedis;
  let t: TestApp;
  let world: World;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    // The `all` role: workers and the outbox relay run, as on a laptop or in the demo.
    t = await createTestApp({ env: { REDIS_URL: redis.url } });
    world = new World(t);
    await world.admin();
  });
  afterAll(async () => {
    await redis?.start().catch(() => undefined);
    await t?.close();
    await redis?.stop();
  });

  it('reports Redis down on /health while requests that do not need Redis keep working', async () => {
    expect((await t.http().get('/health')).status).toBe(200);
    const community = await world.community();
    const resident = await world.resident(community.id);
    const adminToken = await world.admin();

    await redis.stop();

    const health = await waitFor(
      () => t.http().get('/health'),
      (r) => r.status === 503,
      { what: '/health to answer 503' },
    );
    expect(health.body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(health.body.message).toContain('redis');
    expect(health.body.details.down).toEqual(['redis']);
    expect(health.body.details.error.redis.status).toBe('down');
    expect(health.body.details.info.mysql.status).toBe('up');
    const again = await timed(() => t.http().get('/health').timeout(5000));
    expect(again.res.status).toBe(503);
    expect(again.ms).toBeLessThan(3000);

    const login = await timed(() =>
      t
        .http()
        .post('/api/v1/auth/login')
        .timeout(5000)
        .send({ username: resident.username, password: resident.password }),
    );
    expect(login.res.status).toBe(200);
    expect(login.ms).toBeLessThan(3000);

    const me = await timed(() =>
      t.http().get('/api/v1/me').timeout(5000).set('Authorization', `Bearer ${login.res.body.accessToken}`),
    );
    expect(me.res.status).toBe(200);
    expect(me.res.body.id).toBe(resident.id);
    expect(me.ms).toBeLessThan(3000);

    const region = await timed(() =>
      t
        .http()
        .post('/api/v1/regions')
        .timeout(5000)
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ name: '停电社区', kind: 'community', parentId: community.streetId }),
    );
    expect(region.res.status).toBe(201);
    expect(region.ms).toBeLessThan(3000);

    // The queue dashboard needs Redis: it answers 503 QUEUE_UNAVAILABLE with Retry-After at once.
    const board = await timed(() =>
      t.http().get('/admin/queues/api/queues').timeout(5000).set('Authorization', `Bearer ${adminToken}`),
    );
    expect(board.res.status).toBe(503);
    expect(board.res.body.code).toBe('QUEUE_UNAVAILABLE');
    expect(board.res.headers['retry-after']).toBe('5');
    expect(board.ms).toBeLessThan(3000);
  });

  it('keeps a job written during the outage and relays it once Redis is back; /health recovers', async () => {
    // Redis is down (since the previous test). A business transaction writes a job for a queue
    // the relay has not used yet.
    await redis.stop();
    const id = await t.app
      .get(TransactionService)
      .run((em) => t.app.get(OutboxService).add(em, 'redis-down-test', 'test.outage', { n: 1 }));
    // The relay keeps trying (and failing) while Redis is down; the row stays unsent.
    expect((await t.sql('SELECT sent_at FROM outbox WHERE id = ?', [id]))[0].sent_at).toBeNull();

    await redis.start();
    await waitFor(
      () => t.http().get('/health'),
      (r) => r.status === 200,
      { what: '/health to answer 200 again', timeoutMs: 15_000 },
    );
    await waitFor(
      async () => (await t.sql('SELECT sent_at FROM outbox WHERE id = ?', [id]))[0].sent_at,
      (sentAt) => sentAt !== null,
      { what: 'the outbox row to be relayed', timeoutMs: 15_000 },
    );
    const queue = new Queue('redis-down-test', {
      connection: producerRedisOptions(redis.url),
      prefix: t.config.queuePrefix,
    });
    try {
      const job = await queue.getJob(id);
      expect(job?.name).toBe('test.outage');
      expect(job?.data).toEqual({ n: 1 });
    } finally {
      await queue.close();
    }
  });

  it('shuts down promptly while Redis is down (workers, queues and the relay let go)', async () => {
    await t.http().get('/health').expect(200);
    await redis.stop();
    await waitFor(
      () => t.http().get('/health'),
      (r) => r.status === 503,
      { what: '/health to notice' },
    );
    const closing = await timed(() => t.close());
    expect(closing.ms).toBeLessThan(10_000);
  });
});
