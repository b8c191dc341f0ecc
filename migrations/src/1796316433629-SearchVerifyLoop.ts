import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Searches that verify on a device (SubmitSearchInput.verify): the VERIFYING status, the loop's
 * state on the request, and proposal sets without a version (a verifying search's draft).
 */
export class SearchVerifyLoop1796316433629 implements MigrationInterface {
  readonly name = 'SearchVerifyLoop1796316433629';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"search_requests\" ADD \"verification\" jsonb");
    await queryRunner.query("ALTER TYPE \"public\".\"search_request_status\" RENAME TO \"search_request_status_old\"");
    await queryRunner.query("CREATE TYPE \"public\".\"search_request_status\" AS ENUM('queued', 'running', 'verifying', 'succeeded', 'failed')");
    await queryRunner.query("ALTER TABLE \"search_requests\" ALTER COLUMN \"status\" DROP DEFAULT");
    await queryRunner.query("ALTER TABLE \"search_requests\" ALTER COLUMN \"status\" TYPE \"public\".\"search_request_status\" USING \"status\"::\"text\"::\"public\".\"search_request_status\"");
    await queryRunner.query("ALTER TABLE \"search_requests\" ALTER COLUMN \"status\" SET DEFAULT 'queued'");
    await queryRunner.query("DROP TYPE \"public\".\"search_request_status_old\"");
    await queryRunner.query("ALTER TABLE \"proposal_sets\" ALTER COLUMN \"version\" DROP NOT NULL");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Drafts and the searches still verifying cannot be kept without the loop.
    await queryRunner.query("DELETE FROM \"proposal_sets\" WHERE \"version\" IS NULL");
    await queryRunner.query("UPDATE \"search_requests\" SET \"status\" = 'failed', \"error_code\" = 'INTERNAL_SERVER_ERROR', \"error_message\" = 'Verification was rolled back', \"finished_at\" = now() WHERE \"status\" = 'verifying'");
    await queryRunner.query("ALTER TABLE \"proposal_sets\" ALTER COLUMN \"version\" SET NOT NULL");
    await queryRunner.query("CREATE TYPE \"public\".\"search_request_status_old\" AS ENUM('queued', 'running', 'succeeded', 'failed')");
    await queryRunner.query("ALTER TABLE \"search_requests\" ALTER COLUMN \"status\" DROP DEFAULT");
    await queryRunner.query("ALTER TABLE \"search_requests\" ALTER COLUMN \"status\" TYPE \"public\".\"search_request_status_old\" USING \"status\"::\"text\"::\"public\".\"search_request_status_old\"");
    await queryRunner.query("ALTER TABLE \"search_requests\" ALTER COLUMN \"status\" SET DEFAULT 'queued'");
    await queryRunner.query("DROP TYPE \"public\".\"search_request_status\"");
    await queryRunner.query("ALTER TYPE \"public\".\"search_request_status_old\" RENAME TO \"search_request_status\"");
    await queryRunner.query("ALTER TABLE \"search_requests\" DROP COLUMN \"verification\"");
  }
}
