import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SearchComparisons1796283390719 implements MigrationInterface {
  readonly name = 'SearchComparisons1796283390719';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"search_requests\" ADD \"comparison_of_id\" uuid");
    await queryRunner.query("CREATE INDEX \"ix_search_requests_comparison_of\" ON \"search_requests\" (\"comparison_of_id\") ");
    await queryRunner.query("ALTER TABLE \"search_requests\" ADD CONSTRAINT \"FK_29c95d6187fa59cf68cc1822bf6\" FOREIGN KEY (\"comparison_of_id\") REFERENCES \"search_requests\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"search_requests\" DROP CONSTRAINT \"FK_29c95d6187fa59cf68cc1822bf6\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_search_requests_comparison_of\"");
    await queryRunner.query("ALTER TABLE \"search_requests\" DROP COLUMN \"comparison_of_id\"");
  }
}
