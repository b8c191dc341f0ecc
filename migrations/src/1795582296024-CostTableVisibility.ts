import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CostTableVisibility1795582296024 implements MigrationInterface {
  readonly name = 'CostTableVisibility1795582296024';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"public\".\"cost_table_visibility\" AS ENUM('inherit', 'private')");
    await queryRunner.query("ALTER TABLE \"cost_tables\" ADD \"visibility\" \"public\".\"cost_table_visibility\" NOT NULL DEFAULT 'inherit'");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"cost_tables\" DROP COLUMN \"visibility\"");
    await queryRunner.query("DROP TYPE \"public\".\"cost_table_visibility\"");
  }
}
