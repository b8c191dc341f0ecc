import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CostTableLiveSet1796286179745 implements MigrationInterface {
  readonly name = 'CostTableLiveSet1796286179745';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"cost_tables\" ADD \"live_set\" jsonb");
    await queryRunner.query("ALTER TABLE \"cost_tables\" ADD \"live_set_steps\" integer");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"cost_tables\" DROP COLUMN \"live_set_steps\"");
    await queryRunner.query("ALTER TABLE \"cost_tables\" DROP COLUMN \"live_set\"");
  }
}
