import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../app.module';
import { createDemoContext, type SeedStep } from './context';
import { DEMO_STEPS } from './steps';

export interface SeedDemoOptions {
  log?: (line: string) => void;
  steps?: readonly SeedStep[];
}

/**
 * Boots the application context with APP_ROLE=api semantics (no workers, no schedulers, no HTTP),
 * runs every seed step in order and closes it. The database must be migrated (see ../migrate.ts).
 */
export async function seedDemo(opts: SeedDemoOptions = {}): Promise<void> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const previousRole = process.env.APP_ROLE;
  process.env.APP_ROLE = 'api';
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const ctx = createDemoContext(app, log);
    for (const step of opts.steps ?? DEMO_STEPS) {
      const started = Date.now();
      let summary: string | void;
      try {
        summary = await step.run(ctx);
      } catch (err) {
        throw new Error(`demo seed step "${step.name}" failed: ${(err as Error).message}`, { cause: err });
      }
      log(`seed ${step.name}: ${summary || 'done'} (${Date.now() - started} ms)`);
    }
  } finally {
    await app.close();
    if (previousRole === undefined) delete process.env.APP_ROLE;
    else process.env.APP_ROLE = previousRole;
  }
}
