import type { MigrationInterface, QueryRunner } from 'typeorm';

// Verification jobs (proposals measured whole on a device, leased by agents like profiling jobs) and
// the measurements they attach to proposals. Both tables send change notifications, like every
// application table (see ChangeNotifications).
const NOTIFYING = ['verification_jobs', 'proposal_measurements'] as const;

export class VerificationJobs1796304255638 implements MigrationInterface {
  readonly name = 'VerificationJobs1796304255638';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"public\".\"verification_job_status\" AS ENUM('queued', 'running', 'succeeded', 'failed')");
    await queryRunner.query("CREATE TABLE \"verification_jobs\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"organization_id\" uuid NOT NULL, \"proposal_set_id\" uuid NOT NULL, \"device_profile_id\" uuid NOT NULL, \"model_spec_id\" uuid NOT NULL, \"ranks\" integer array NOT NULL, \"metrics\" text array NOT NULL, \"status\" \"public\".\"verification_job_status\" NOT NULL DEFAULT 'queued', \"attempts\" integer NOT NULL DEFAULT '0', \"max_attempts\" integer NOT NULL DEFAULT '3', \"lease_id\" uuid, \"lease_expires_at\" TIMESTAMP(3) WITH TIME ZONE, \"leased_by_token_id\" uuid, \"agent_name\" character varying(100), \"progress\" double precision NOT NULL DEFAULT '0', \"error_message\" text, \"created_by_id\" uuid, \"created_at\" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), \"finished_at\" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT \"PK_f28868606a6bbb968369ba8e5ea\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_verification_jobs_organization_created\" ON \"verification_jobs\" (\"organization_id\", \"created_at\") ");
    await queryRunner.query("CREATE INDEX \"ix_verification_jobs_organization_status\" ON \"verification_jobs\" (\"organization_id\", \"status\") ");
    await queryRunner.query("CREATE TABLE \"proposal_measurements\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"organization_id\" uuid NOT NULL, \"proposal_set_id\" uuid NOT NULL, \"rank\" integer NOT NULL, \"metric\" character varying(20) NOT NULL, \"device_profile_id\" uuid NOT NULL, \"predicted\" double precision, \"predicted_std\" double precision, \"measured_delta\" double precision NOT NULL, \"measured_total\" double precision, \"ci_low\" double precision, \"ci_high\" double precision, \"runs\" integer NOT NULL, \"host\" character varying(200), \"measured_at\" TIMESTAMP(3) WITH TIME ZONE NOT NULL, \"verification_job_id\" uuid NOT NULL, \"created_at\" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_33fc65796bc5925c5164c763234\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_proposal_measurements_set_rank\" ON \"proposal_measurements\" (\"organization_id\", \"proposal_set_id\", \"rank\") ");
    await queryRunner.query("CREATE INDEX \"ix_proposal_measurements_job\" ON \"proposal_measurements\" (\"verification_job_id\") ");
    await queryRunner.query("ALTER TABLE \"verification_jobs\" ADD CONSTRAINT \"FK_5f752b941a5d0b929bc71abe9d7\" FOREIGN KEY (\"organization_id\") REFERENCES \"organizations\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"verification_jobs\" ADD CONSTRAINT \"FK_cf4b2cd4567b2d842c6dc56496e\" FOREIGN KEY (\"proposal_set_id\") REFERENCES \"proposal_sets\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"verification_jobs\" ADD CONSTRAINT \"FK_ca8fb0dc18f7fc71595f62b073a\" FOREIGN KEY (\"device_profile_id\") REFERENCES \"device_profiles\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"verification_jobs\" ADD CONSTRAINT \"FK_6a3b4512e266009b76a231c502d\" FOREIGN KEY (\"model_spec_id\") REFERENCES \"model_specs\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"proposal_measurements\" ADD CONSTRAINT \"FK_8ce9880914c27376526cf67f73b\" FOREIGN KEY (\"organization_id\") REFERENCES \"organizations\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"proposal_measurements\" ADD CONSTRAINT \"FK_9af4918eb0c6f53db62777147e7\" FOREIGN KEY (\"proposal_set_id\") REFERENCES \"proposal_sets\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"proposal_measurements\" ADD CONSTRAINT \"FK_4a33f2d4c07c8bf2af1fdb8045b\" FOREIGN KEY (\"device_profile_id\") REFERENCES \"device_profiles\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"proposal_measurements\" ADD CONSTRAINT \"FK_5807946b0a3644de2e295226d5b\" FOREIGN KEY (\"verification_job_id\") REFERENCES \"verification_jobs\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    for (const table of NOTIFYING) {
      await queryRunner.query(`CREATE TRIGGER "actnas_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "actnas_notify_change"()`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of NOTIFYING) await queryRunner.query(`DROP TRIGGER "actnas_changes" ON "${table}"`);
    await queryRunner.query("ALTER TABLE \"proposal_measurements\" DROP CONSTRAINT \"FK_5807946b0a3644de2e295226d5b\"");
    await queryRunner.query("ALTER TABLE \"proposal_measurements\" DROP CONSTRAINT \"FK_4a33f2d4c07c8bf2af1fdb8045b\"");
    await queryRunner.query("ALTER TABLE \"proposal_measurements\" DROP CONSTRAINT \"FK_9af4918eb0c6f53db62777147e7\"");
    await queryRunner.query("ALTER TABLE \"proposal_measurements\" DROP CONSTRAINT \"FK_8ce9880914c27376526cf67f73b\"");
    await queryRunner.query("ALTER TABLE \"verification_jobs\" DROP CONSTRAINT \"FK_6a3b4512e266009b76a231c502d\"");
    await queryRunner.query("ALTER TABLE \"verification_jobs\" DROP CONSTRAINT \"FK_ca8fb0dc18f7fc71595f62b073a\"");
    await queryRunner.query("ALTER TABLE \"verification_jobs\" DROP CONSTRAINT \"FK_cf4b2cd4567b2d842c6dc56496e\"");
    await queryRunner.query("ALTER TABLE \"verification_jobs\" DROP CONSTRAINT \"FK_5f752b941a5d0b929bc71abe9d7\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_proposal_measurements_job\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_proposal_measurements_set_rank\"");
    await queryRunner.query("DROP TABLE \"proposal_measurements\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_verification_jobs_organization_status\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_verification_jobs_organization_created\"");
    await queryRunner.query("DROP TABLE \"verification_jobs\"");
    await queryRunner.query("DROP TYPE \"public\".\"verification_job_status\"");
  }
}
