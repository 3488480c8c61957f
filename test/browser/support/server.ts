import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { createDemoContext } from '../../../src/scripts/demo/context';
import { DEMO_STEPS } from '../../../src/scripts/demo/steps';
import { createTestApp, TestApp, TestAppOptions } from '../../support/harness';
import { World } from '../../support/world';

export const DEMO_PASSWORD = 'demo12345';
export const TAOHUAYUAN = '0b892fdc-707e-5440-ac79-d96ab78c287a';

export interface WebServer {
  t: TestApp;
  world: World;
  /** `http://127.0.0.1:PORT` */
  base: string;
  port: number;
  /** The API as a logged-in demo user (supertest against the same app). */
  as: (username: string) => Promise<ApiAs>;
  close: () => Promise<void>;
}

export interface ApiAs {
  token: string;
  get: (path: string, query?: Record<string, string>) => Promise<{ status: number; body: any }>;
  post: (path: string, body?: object, key?: string) => Promise<{ status: number; body: any }>;
}

/**
 * The real app (API, workers, the built web app at /) on its own database with the demo world
 * seeded, listening on an ephemeral loopback port for Chromium.
 */
export async function startWebServer(opts: TestAppOptions = {}): Promise<WebServer> {
  const t = await createTestApp(opts);
  const ctx = createDemoContext(t.app, () => undefined);
  for (const step of DEMO_STEPS) await step.run(ctx);
  const server = await (t.app as NestExpressApplication).listen(0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  const tokens = new Map<string, string>();
  const world = new World(t);
  const as = async (username: string): Promise<ApiAs> => {
    let token = tokens.get(username);
    if (!token) {
      token = await world.login(username, DEMO_PASSWORD);
      tokens.set(username, token);
    }
    const auth = `Bearer ${token}`;
    return {
      token,
      get: (path, query = {}) => t.http().get(`/api/v1${path}`).query(query).set('Authorization', auth),
      post: (path, body = {}, key) => {
        const req = t.http().post(`/api/v1${path}`).set('Authorization', auth);
        if (key) req.set('Idempotency-Key', key);
        return req.send(body);
      },
    };
  };
  return { t, world, base: `http://127.0.0.1:${port}`, port, as, close: () => t.close() };
}
