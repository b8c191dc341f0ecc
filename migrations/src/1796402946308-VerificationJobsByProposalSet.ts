import type { MigrationInterface, QueryRunner } from 'typeorm';

export class VerificationJobsByProposalSet1796402946308 implements MigrationInterface {
  readonly name = 'VerificationJobsByProposalSet1796402946308';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX \"ix_verification_jobs_proposal_set_created\" ON \"verification_jobs\" (\"proposal_set_id\", \"created_at\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"ix_verification_jobs_proposal_set_created\"");
  }
}
