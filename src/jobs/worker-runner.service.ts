import { WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../config/configuration';

/** Every processor is declared with `autorun: false`; this starts them only in the worker roles. */
export const PROCESSOR_OPTIONS = { autorun: false, concurrency: 4 } as const;

@Injectable()
export class WorkerRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Workers');
  private hosts: WorkerHost[] = [];

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
      // A worker that dies loses its lock after WORKER_LOCK_MS; its job is re-queued by the stalled check.
      h.worker.opts.lockDuration = this.config.workerLockMs;
      h.worker.opts.stalledInterval = this.config.workerStalledIntervalMs;
      h.worker.on('error', (err) => this.log.warn(`${h.worker.name}: ${err.message}`));
      h.worker.run().catch((err) => this.log.error(`${h.worker.name} stopped: ${(err as Error).message}`));
    }
    if (this.hosts.length) this.log.log(`started ${this.hosts.map((h) => h.worker.name).join(', ')}`);
  }

  /** Lets running jobs finish, then closes the workers (also used by tests to "kill" a worker). */
  async closeAll(force = false): Promise<void> {
    await Promise.allSettled(this.hosts.map((h) => h.worker.close(force)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.closeAll();
  }
}
