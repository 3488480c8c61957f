import { BullModule } from '@nestjs/bullmq';
import { Global, Module, OnModuleInit } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxService } from './outbox.service';
import { QueueRegistry } from './queue-registry.service';
import { workerRedisOptions } from './redis-options';
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
    // No BullModule.registerQueue: @nestjs/bullmq would give the processors' workers the queue's
    // connection options. Workers take the root ones above (wait for Redis); producers and Bull
    // Board use QueueRegistry's fail-fast queues.
  ],
  providers: [OutboxService, OutboxRelay, QueueRegistry, SchedulerService, WorkerRunner],
  exports: [BullModule, OutboxService, OutboxRelay, QueueRegistry, SchedulerService, WorkerRunner],
})
export class JobsModule implements OnModuleInit {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.scheduler.every('outbox.relay', this.relay.pollMs, () => this.relay.drain());
    this.scheduler.every('outbox.prune', 60_000, () => this.relay.prune());
  }
}
