import type { EntityManager } from 'typeorm';

/** Raw SQL returning its rows whatever the command (TypeORM reshapes UPDATE … RETURNING otherwise). */
export async function queryRows<T>(manager: EntityManager, sql: string, parameters: readonly unknown[]): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return (await runner.query(sql, [...parameters], true)).records as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
