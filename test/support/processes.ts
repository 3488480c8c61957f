import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { join } from 'node:path';
import type { TestApp } from './harness';
import { waitFor } from './harness';

const ROOT = join(__dirname, '..', '..');

/** `node -r SWC_PRELOAD file.ts` runs a TypeScript entry point without a build (swc, as jest does). */
export const SWC_PRELOAD = join(__dirname, 'register-swc.js');

/** A real app process (`src/main.ts` through swc), for shutdown, kill and multi-process tests. */
export class AppProcess {
  readonly child: ChildProcess;
  output = '';
  private readonly exited: Promise<{ code: number | null; signal: string | null; at: number }>;

  constructor(
    readonly role: 'api' | 'worker' | 'all',
    readonly env: Record<string, string>,
    readonly port?: number,
  ) {
    this.child = spawn(process.execPath, ['-r', SWC_PRELOAD, 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...env,
        APP_ROLE: role,
        ...(port ? { PORT: String(port) } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({ code, signal, at: Date.now() }));
  }

  /** The same deployment as the in-process test app `t`: its database, queue prefix, secrets. */
  static of(t: TestApp, role: 'api' | 'worker' | 'all', port?: number, extra: Record<string, string> = {}) {
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      DATABASE_URL: t.config.databaseUrl,
      REDIS_URL: t.config.redisUrl,
      QUEUE_PREFIX: t.config.queuePrefix,
      ...(t.config.jwtSecret ? { JWT_SECRET: t.config.jwtSecret } : {}),
      ADMIN_USERNAME: t.config.adminUsername,
      ADMIN_PASSWORD: t.config.adminPassword,
      KEY_ENCRYPTION_SECRET: t.config.keyEncryptionSecret,
      LOG_LEVEL: 'info',
      OUTBOX_POLL_MS: '50',
      ...extra,
    };
    return new AppProcess(role, env, port);
  }

  /** Resolves when the process is ready: /health answers 200, or (worker) it logged its start. */
  async ready(timeoutMs = 60_000): Promise<this> {
    await waitFor(
      async () => {
        if (this.child.exitCode !== null) throw new Error(`${this.role} exited: ${this.output}`);
        if (!this.port) return this.output.includes('worker started');
        return (await httpStatus(this.port, '/health')) === 200;
      },
      (ok) => ok,
      { timeoutMs, everyMs: 100, what: `the ${this.role} process to start` },
    );
    return this;
  }

  exit(): Promise<{ code: number | null; signal: string | null; at: number }> {
    return this.exited;
  }

  /** SIGKILL (if still running) and wait for the exit. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(2000, () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** The local port of the connection it came on (which keep-alive connection). */
  socket: number;
  sentAt: number;
  at: number;
}

/** POST JSON over `agent` (keep-alive); rejects on a connection error. */
export function postOver(
  agent: http.Agent,
  port: number,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<HttpAnswer> {
  const payload = JSON.stringify(body);
  const sentAt = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: parsed,
            socket: req.socket?.localPort ?? 0,
            sentAt,
            at: Date.now(),
          });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', reject);
    req.end(payload);
  });
}
