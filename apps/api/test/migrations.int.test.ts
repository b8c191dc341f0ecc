import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/index.js';
import { createTestDatabase } from './support/database.js';
import type { TestDatabase } from './support/database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('migrations');
});
afterAll(async () => {
  await database?.drop();
});

describe('migrations', () => {
  it('bring a fresh database exactly to the entities (no drift), and revert cleanly', async () => {
    const dataSource = await openDatabase({ url: database.url });
    try {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);

      for (const _ of dataSource.migrations) await dataSource.undoLastMigration({ transaction: 'each' });
      const [row] = await dataSource.query<{ count: string }[]>(
        `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
      );
      expect(Number(row?.count)).toBe(0);

      await dataSource.runMigrations({ transaction: 'each' });
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('never synchronize', async () => {
    const dataSource = await openDatabase({ url: database.url });
    try {
      expect(dataSource.options.synchronize).toBe(false);
    } finally {
      await dataSource.destroy();
    }
  });
});
