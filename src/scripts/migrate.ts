// Creates the database (utf8mb4) if it is missing and runs every pending migration.
//
//   node dist/src/scripts/migrate.js          (the `migrate` service of docker-compose.yml)
//   npm run build && node dist/src/scripts/migrate.js
//
// Reads DATABASE_URL like the app. Safe to start from several places at once: a named database
// lock (GET_LOCK) lets one runner work while the others wait, then find nothing left to do.
import 'reflect-metadata';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/configuration';
import {
  buildDataSourceOptions,
  detectEngine,
  ensureDatabase,
  parseDatabaseUrl,
} from '../database/database-options';

const LOCK_WAIT_SECONDS = 300;

/** Ensures the database exists and runs the pending migrations; returns the names of those it ran. */
export async function migrate(
  databaseUrl: string,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const p = parseDatabaseUrl(databaseUrl);
  const lockName = `jifen_migrate_${p.database}`.slice(0, 64);
  const lock = await createConnection({
    host: p.host,
    port: p.port,
    user: p.username,
    password: p.password,
    database: p.database,
  });
  try {
    const [rows] = await lock.query('SELECT GET_LOCK(?, ?) AS got', [lockName, LOCK_WAIT_SECONDS]);
    if (Number((rows as Array<{ got: number | null }>)[0]?.got) !== 1) {
      throw new Error(`another migration run held the lock ${lockName} for over ${LOCK_WAIT_SECONDS} s`);
    }
    const engine = await detectEngine(databaseUrl);
    const ds = new DataSource(buildDataSourceOptions(databaseUrl, engine, { poolSize: 2 }));
    await ds.initialize();
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      for (const m of ran) log(`migrated: ${m.name}`);
      return ran.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lock.query('SELECT RELEASE_LOCK(?)', [lockName]).catch(() => undefined);
    await lock.end();
  }
}

/** The database part of a URL without the password, for messages. */
export function describeDatabase(databaseUrl: string): string {
  const p = parseDatabaseUrl(databaseUrl);
  return `${p.scheme}://${p.username}@${p.host}:${p.port}/${p.database}`;
}

async function main(): Promise<void> {
  let databaseUrl: string;
  try {
    databaseUrl = loadConfig(process.env).databaseUrl;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const ran = await migrate(databaseUrl, (line) => console.log(line));
  console.log(
    ran.length
      ? `${describeDatabase(databaseUrl)}: ran ${ran.length} migration(s)`
      : `${describeDatabase(databaseUrl)}: up to date`,
  );
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
