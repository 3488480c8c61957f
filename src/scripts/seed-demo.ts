// `npm run seed:demo`: migrates the database named by DATABASE_URL (creating it if needed) and
// writes the demo world (docs in src/scripts/demo/README.md). Idempotent: run it as often as you like.
//
//   node dist/src/scripts/seed-demo.js [--allow-production]
import 'reflect-metadata';
import { AppConfig, ConfigError, loadConfig } from '../config/configuration';
import { demoIdLines, demoLoginLines } from './demo/banner';
import { seedDemo } from './demo/seed';
import { describeDatabase, migrate } from './migrate';

/** Reads the configuration or exits 78 naming every bad variable. */
export function configOrExit(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/** Migrates and seeds; shared by seed-demo and start-demo. */
export async function migrateAndSeed(config: AppConfig): Promise<void> {
  const where = describeDatabase(config.databaseUrl);
  const ran = await migrate(config.databaseUrl, (line) => console.log(line));
  console.log(`${where}: ${ran.length ? `ran ${ran.length} migration(s)` : 'schema up to date'}`);
  await seedDemo();
  console.log(`${where}: demo data in place`);
}

async function main(): Promise<void> {
  const config = configOrExit();
  if (config.nodeEnv === 'production' && !process.argv.includes('--allow-production')) {
    console.error(
      'NODE_ENV=production: the demo seed creates users with a published password. ' +
        'Pass --allow-production if this really is a demo installation.',
    );
    process.exit(2);
  }
  await migrateAndSeed(config);
  console.log(['', 'Demo logins:', ...demoLoginLines(config), '', 'Ids:', ...demoIdLines()].join('\n'));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
