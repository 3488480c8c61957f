import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/configuration';

interface Task {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
  timer?: NodeJS.Timeout;
  running?: Promise<unknown>;
}

/**
 * Periodic work of the worker role (outbox relay, sweepers, reconcilers). Each task runs at most
 * once at a time in this process; tasks must be safe to run in several workers at once (they claim
 * rows with SKIP LOCKED or conditional updates). In the `api` role nothing runs.
 */
@Injectable()
export class SchedulerService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly log = new Logger('Scheduler');
  private readonly tasks: Task[] = [];
  private started = false;
  private stopping = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  every(name: string, everyMs: number, run: () => Promise<unknown>): void {
    const task: Task = { name, everyMs, run };
    this.tasks.push(task);
    if (this.started) this.schedule(task, 0);
  }

  get enabled(): boolean {
    return this.config.role !== 'api';
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.started = true;
    for (const t of this.tasks) this.schedule(t, 0);
  }

  /** Stops scheduling and waits for the tasks that are running. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.tasks) if (t.timer) clearTimeout(t.timer);
    await Promise.allSettled(this.tasks.map((t) => t.running));
  }

  /** Stops before the database closes, so that no task runs against a closed pool. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private schedule(task: Task, delay: number): void {
    if (this.stopping) return;
    task.timer = setTimeout(() => {
      task.running = task
        .run()
        .catch((err) => this.log.warn(`${task.name} failed: ${(err as Error).message}`))
        .finally(() => {
          task.running = undefined;
          this.schedule(task, task.everyMs);
        });
    }, delay);
    task.timer.unref?.();
  }
}
