import { migrations } from '@actnas/migrations';
import { DataSource } from 'typeorm';
import { keepPoolErrorsHandled, refillLostConnections } from './pool-errors.js';
import type { RefillablePool } from './pool-errors.js';
import { entities } from './entities.js';

export interface DataSourceOptions {
  readonly url: string;
  readonly poolSize?: number;
}

/** A PostgreSQL data source with the project's entities and migrations; synchronize is never on. */
export function createDataSource({ url, poolSize = 10 }: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [...entities],
    migrations: [...migrations],
    migrationsTableName: 'typeorm_migrations',
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite; no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Query errors surface through the GraphQL error mapping; TypeORM's own log would repeat
    // expected ones (unique violations of idempotency races) with their parameters.
    logging: false,
    // Fail fast when PostgreSQL is unreachable (requests answer SERVICE_UNAVAILABLE) instead of queueing forever.
    extra: { max: poolSize, connectionTimeoutMillis: 5_000, keepAlive: true },
  });
}

/** Opens the data source and applies pending migrations. */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    // Inside the try: a pool without the internals these read throws, and the source is closed.
    const pool = (dataSource.driver as unknown as { master?: RefillablePool }).master;
    if (pool) {
      keepPoolErrorsHandled(pool);
      refillLostConnections(pool);
    }
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
