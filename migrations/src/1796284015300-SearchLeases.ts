import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SearchLeases1796284015300 implements MigrationInterface {
  readonly name = 'SearchLeases1796284015300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"search_requests\" ADD \"lease_id\" uuid");
    await queryRunner.query("ALTER TABLE \"search_requests\" ADD \"heartbeat_at\" TIMESTAMP(3) WITH TIME ZONE");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"search_requests\" DROP COLUMN \"heartbeat_at\"");
    await queryRunner.query("ALTER TABLE \"search_requests\" DROP COLUMN \"lease_id\"");
  }
}
