import { WorkerHost } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/configuration';

/** Every processor is declared with `autorun: false`; this starts them only in the worker roles. */
export const PROCESSOR_OPTIONS = { autorun: false, concurrency: 4 } as const;

@Injectable()
export class WorkerRunner
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly log = new Logger('Workers');
  private hosts: WorkerHost[] = [];
  /** Jobs this process is running, per worker (from the workers' own events). */
  private readonly active = new Map<Worker, number>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.hosts = this.discovery
      .getProviders()
      .map((w) => w.instance)
      .filter((i): i is WorkerHost => i instanceof WorkerHost);
    if (this.config.role === 'api') return;
    for (const h of this.hosts) {
      const w = h.worker;
      // A worker that dies loses its lock after WORKER_LOCK_MS; its job is re-queued by the stalled check.
      w.opts.lockDuration = this.config.workerLockMs;
      w.opts.stalledInterval = this.config.workerStalledIntervalMs;
      this.active.set(w, 0);
      const done = () => this.active.set(w, Math.max(0, (this.active.get(w) ?? 1) - 1));
      w.on('active', () => this.active.set(w, (this.active.get(w) ?? 0) + 1));
      w.on('completed', done);
      w.on('failed', (job) => job && done());
      w.on('error', (err) => this.log.warn(`${w.name}: ${err.message}`));
      w.run().catch((err) => this.log.error(`${w.name} stopped: ${(err as Error).message}`));
    }
    if (this.hosts.length) this.log.log(`started ${this.hosts.map((h) => h.worker.name).join(', ')}`);
  }

  /**
   * Stops taking jobs, lets the running ones finish (at most `graceMs`, default SHUTDOWN_DRAIN_MS:
   * a job cut off is retried, and the reconciler finishes an order's anyway), then closes the workers
   * (also used by tests to "kill" a worker, with `force`). BullMQ's own graceful close is not used:
   * it waits for the blocking connection to end, which never happens while that connection is
   * reconnecting (Redis restarted or down), and shutdown would hang for ever.
   */
  async closeAll(force = false, graceMs = this.config.shutdownDrainMs): Promise<void> {
    await Promise.allSettled(
      this.hosts.map(async ({ worker: w }) => {
        if (!force && w.isRunning()) {
          await w.pause(true); // no new jobs; does not wait (nor touch the connections)
          const deadline = Date.now() + graceMs;
          while ((this.active.get(w) ?? 0) > 0 && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 50));
          if ((this.active.get(w) ?? 0) > 0)
            this.log.warn(`${w.name}: closing with jobs still running (they will be retried)`);
        }
        await w.close(true);
      }),
    );
  }

  /** Before the HTTP server and the database close, so that running jobs can still finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.closeAll();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.closeAll(true);
  }
}
