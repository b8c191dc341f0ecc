import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PartialCostTables1796283347142 implements MigrationInterface {
  readonly name = 'PartialCostTables1796283347142';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"cost_tables\" ADD \"missing_sites\" text array NOT NULL DEFAULT '{}'");
    // Tables published before the check: mark the ones that lack sites of their model spec as partial.
    await queryRunner.query(`UPDATE "cost_tables" t SET "missing_sites" = ARRAY(
        SELECT site.value->>'name' FROM "model_specs" spec, jsonb_array_elements(spec."sites") WITH ORDINALITY AS site(value, position)
        WHERE spec."id" = t."model_spec_id" AND NOT (site.value->>'name' = ANY(t."sites"))
        ORDER BY site.position)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"cost_tables\" DROP COLUMN \"missing_sites\"");
  }
}
