// The data source for the TypeORM CLI (`npm run migration:run | migration:generate | migration:revert`).
// The app builds its own from the same options (database.module.ts).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/configuration';
import { buildDataSourceOptions, detectEngine, ensureDatabase } from './database-options';

async function create(): Promise<DataSource> {
  const { databaseUrl } = loadConfig(process.env);
  await ensureDatabase(databaseUrl);
  const engine = await detectEngine(databaseUrl);
  return new DataSource(
    buildDataSourceOptions(databaseUrl, engine, { entities: [__dirname + '/../**/*.entity.{ts,js}'] }),
  );
}

export const dataSource = create();
