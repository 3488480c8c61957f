import { ALL_MIGRATIONS } from '../migrations';
import { createTestApp, TestApp } from './support/harness';

describe('schema: built by migrations only, and the entities agree with it', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
  });
  afterAll(() => t?.close());

  it('ran every migration, in order', async () => {
    const rows = await t.sql<{ name: string }>('SELECT name FROM migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(ALL_MIGRATIONS.map((m) => new m().name));
  });

  it('has no difference between the entities and the migrated schema (migration:generate would be empty)', async () => {
    const sql = await t.db.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('stores text as utf8mb4 (Chinese names and rare characters)', async () => {
    const rows = await t.sql<{ t: string; c: string }>(
      `SELECT TABLE_NAME t, TABLE_COLLATION c FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_COLLATION NOT LIKE 'utf8mb4%'`,
    );
    expect(rows).toEqual([]);
  });
});
