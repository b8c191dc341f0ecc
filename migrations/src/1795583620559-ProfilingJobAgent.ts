import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProfilingJobAgent1795583620559 implements MigrationInterface {
  readonly name = 'ProfilingJobAgent1795583620559';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"profiling_jobs\" ADD \"agent_name\" character varying(100)");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"profiling_jobs\" DROP COLUMN \"agent_name\"");
  }
}
