import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';

/**
 * Servers of a fault test's own, never the machine's shared ones: a `redis-server` and a
 * `mariadbd` on free loopback ports with their own temporary data directories, which the test may
 * kill, freeze (SIGSTOP) and start again. Also used by bench/expiry.bench.ts (so: no jest here).
 */

/** Polls `probe` every `everyMs` until it is true; throws after `timeoutMs`. */
async function until(probe: () => Promise<boolean>, what: string, timeoutMs: number, everyMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  srv.close();
  await once(srv, 'close');
  return port;
}

/** A child process that can be killed, frozen and thawed. */
abstract class OwnServer {
  protected child?: ChildProcess;
  private frozen = false;

  constructor(readonly port: number) {}

  abstract start(): Promise<void>;

  /** SIGKILL: the server is gone at once, its clients see refused or reset connections. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.frozen = false;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: the server keeps its sockets open and answers nothing (a hung server). */
  freeze(): void {
    if (!this.child) throw new Error('not running');
    this.child.kill('SIGSTOP');
    this.frozen = true;
  }

  thaw(): void {
    if (this.child && this.frozen) this.child.kill('SIGCONT');
    this.frozen = false;
  }

  protected spawnServer(cmd: string, args: string[]): ChildProcess {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    this.child = child;
    return child;
  }
}

/** This test's own redis-server. */
export class OwnRedis extends OwnServer {
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    this.spawnServer('redis-server', [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      tmpdir(),
    ]);
    await until(() => this.ping(), `redis-server on port ${this.port}`, 10_000, 25);
  }

  private async ping(): Promise<boolean> {
    const c = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  }
}

const MARIADBD = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'].find((p) => existsSync(p)) ?? 'mariadbd';

/**
 * This test's own mariadbd: `mariadb-install-db` into a temporary data directory once, then a
 * server on a free port that can be killed and started again on the same data (crash recovery
 * included). Small redo log and buffer pool: it holds a few test databases.
 */
export class OwnMariaDb extends OwnServer {
  private dir?: string;

  /** The server's root URL; tests put their database names on it. */
  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}/jifen_fault`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    if (!this.dir) {
      this.dir = await mkdtemp(join(tmpdir(), 'jifen-mariadb-'));
      await promisify(execFile)('mariadb-install-db', [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--user=root',
        ...this.serverOptions(),
      ]);
    }
    this.spawnServer(MARIADBD, [
      '--no-defaults',
      `--datadir=${join(this.dir, 'data')}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(this.dir, 'mariadbd.sock')}`,
      `--pid-file=${join(this.dir, 'mariadbd.pid')}`,
      '--user=root',
      ...this.serverOptions(),
    ]);
    await until(() => this.ping(), `mariadbd on port ${this.port}`, 30_000, 100);
  }

  /** Stops the server and removes its data directory. */
  async destroy(): Promise<void> {
    this.thaw();
    await this.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private serverOptions(): string[] {
    return [
      '--innodb-log-file-size=16M',
      '--innodb-buffer-pool-size=64M',
      '--skip-log-bin',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--max-connections=500',
    ];
  }

  private async ping(): Promise<boolean> {
    try {
      const c = await createConnection({
        host: '127.0.0.1',
        port: this.port,
        user: 'root',
        connectTimeout: 1000,
      });
      await c.end();
      return true;
    } catch {
      return false;
    }
  }
}

/** Runs a request and measures how long it took. */
export async function timed<T>(fn: () => PromiseLike<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await fn();
  return { res, ms: Date.now() - started };
}

export interface Answer {
  /** HTTP status, or 0 when no answer came (connection error, client timeout). */
  status: number;
  code?: string;
  retryAfter?: string;
  ms: number;
  /** Wall-clock time the request was sent. */
  at: number;
  body?: any;
}

/**
 * A closed-loop load of `loops` concurrent clients, each sending its next request when the previous
 * one answered, until `stop()`. `once(i)` sends request number i; its answer is recorded with the
 * time it took.
 */
export function startLoad(
  loops: number,
  once: (i: number) => PromiseLike<{ status: number; body: any; headers: Record<string, string> }>,
): { answers: Answer[]; stop: () => Promise<Answer[]> } {
  const answers: Answer[] = [];
  let running = true;
  let n = 0;
  const loop = async () => {
    while (running) {
      const at = Date.now();
      try {
        const res = await once(n++);
        answers.push({
          status: res.status,
          code: res.body?.code,
          retryAfter: res.headers['retry-after'],
          ms: Date.now() - at,
          at,
          body: res.body,
        });
      } catch (err) {
        answers.push({ status: 0, code: (err as Error).message, ms: Date.now() - at, at });
      }
    }
  };
  const all = Promise.all(Array.from({ length: loops }, loop));
  return {
    answers,
    stop: async () => {
      running = false;
      await all;
      return answers;
    },
  };
}
