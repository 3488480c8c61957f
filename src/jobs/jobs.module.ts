import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Global, Module, OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { closeQueue, QueueRegistry } from './queue-registry.service';
import { QUEUES } from './queues';
import { workerRedisOptions } from './redis-options';
import { RedisProbe } from './redis-probe.service';
import { SchedulerService } from './scheduler.service';
import { WorkerRunner } from './worker-runner.service';

@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: workerRedisOptions(config.redisUrl),
        prefix: config.queuePrefix,
      }),
    }),
    // Registering the queues is what makes @nestjs/bullmq create the processors' workers, with
    // these queues' (the root's) options. Producers and Bull Board use QueueRegistry instead.
    BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name }))),
  ],
  providers: [
    OutboxRepository,
    OutboxService,
    OutboxRelay,
    QueueRegistry,
    RedisProbe,
    SchedulerService,
    WorkerRunner,
  ],
  exports: [
    BullModule,
    OutboxService,
    OutboxRelay,
    QueueRegistry,
    RedisProbe,
    SchedulerService,
    WorkerRunner,
  ],
})
export class JobsModule implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly relay: OutboxRelay,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.scheduler.every('outbox.relay', this.relay.pollMs, () => this.relay.drain());
    this.scheduler.every('outbox.prune', 60_000, () => this.relay.prune());
  }

  /**
   * @nestjs/bullmq closes its queues later with a plain close(), which waits for ever for Redis
   * when Redis is down (their connections queue commands until it is back). Close them first.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(
      Object.values(QUEUES).map((name) =>
        closeQueue(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })),
      ),
    );
  }
}
