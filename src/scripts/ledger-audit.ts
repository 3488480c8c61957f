// `npm run ledger:audit`: checks the ledger's invariants on the database of DATABASE_URL and exits
// non-zero on any violation (for cron jobs and operators).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/configuration';
import { buildDataSourceOptions, detectEngine } from '../database/database-options';
import { LedgerAuditService } from '../ledger/ledger-audit.service';

async function main(): Promise<void> {
  const { databaseUrl } = loadConfig(process.env);
  const db = new DataSource(
    buildDataSourceOptions(databaseUrl, await detectEngine(databaseUrl), { poolSize: 2 }),
  );
  await db.initialize();
  try {
    const report = await new LedgerAuditService(db).run();
    console.log(JSON.stringify(report, null, 2));
    process.exitCode = report.ok ? 0 : 2;
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
