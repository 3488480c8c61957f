import type { INestApplicationContext, Type } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../../common/actor';
import { APP_CONFIG, AppConfig } from '../../config/configuration';
import { TransactionService } from '../../database/transaction.service';
import { AuthService } from '../../identity/auth.service';
import { UserEntity } from '../../identity/entities/user.entity';

/** What a seed step gets: the booted application (APP_ROLE=api, no workers), the database and helpers. */
export interface DemoContext {
  app: INestApplicationContext;
  config: AppConfig;
  db: DataSource;
  tx: TransactionService;
  /** A provider of the application, e.g. `ctx.get(RegionsService)`. */
  get<T>(type: Type<T>): T;
  /** A seeded user (or the platform administrator) as the `Actor` that services take first. */
  actor(username: string): Promise<Actor>;
  /** The platform administrator (ADMIN_USERNAME), whose scope is the whole platform. */
  platformAdmin(): Promise<Actor>;
  log(line: string): void;
}

export function createDemoContext(app: INestApplicationContext, log: (line: string) => void): DemoContext {
  const config = app.get<AppConfig>(APP_CONFIG);
  const db = app.get(DataSource);
  const actors = new Map<string, Actor>();
  const actor = async (username: string): Promise<Actor> => {
    const name = username.toLowerCase();
    let a = actors.get(name);
    if (!a) {
      const user = await db.getRepository(UserEntity).findOneBy({ username: name });
      if (!user) throw new Error(`demo seed: no user ${name} (did an earlier step create it?)`);
      a = await app.get(AuthService).actorOf(user);
      actors.set(name, a);
    }
    return a;
  };
  return {
    app,
    config,
    db,
    tx: app.get(TransactionService),
    get: <T>(type: Type<T>) => app.get(type),
    actor,
    platformAdmin: () => actor(config.adminUsername),
    log,
  };
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Writes one row keyed by `key`: inserts it when missing, otherwise updates the columns that differ
 * (an unchanged row is not touched, so `updated_at` keeps its value). Table and column names come
 * from the seed's own code, never from input.
 */
export async function upsertRow(
  em: EntityManager,
  table: string,
  row: Record<string, unknown>,
  key = 'id',
): Promise<UpsertOutcome> {
  const found: unknown[] = await em.query(`SELECT 1 AS x FROM ${table} WHERE ${key} = ? LIMIT 1`, [row[key]]);
  const cols = Object.keys(row);
  if (!found.length) {
    await em.query(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      cols.map((c) => row[c]),
    );
    return 'created';
  }
  const set = cols.filter((c) => c !== key);
  if (!set.length) return 'unchanged';
  const res = (await em.query(
    `UPDATE ${table} SET ${set.map((c) => `${c} = ?`).join(', ')} WHERE ${key} = ?`,
    [...set.map((c) => row[c]), row[key]],
  )) as { changedRows?: number; affectedRows?: number };
  return (res.changedRows ?? 0) > 0 ? 'updated' : 'unchanged';
}

/** Counts outcomes for a step's summary line: "11 created, 0 updated, 0 unchanged". */
export class Tally {
  private readonly counts: Record<UpsertOutcome, number> = { created: 0, updated: 0, unchanged: 0 };

  add(outcome: UpsertOutcome): void {
    this.counts[outcome]++;
  }

  toString(): string {
    const c = this.counts;
    return `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`;
  }
}

/** One step of the demo seed. `run` must be idempotent: a second run leaves the data as it was. */
export interface SeedStep {
  name: string;
  /** Returns a one-line summary for the log. */
  run(ctx: DemoContext): Promise<string | void>;
}
