import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every committed write to an application table sends a NOTIFY on `actnas_changes` (payload: the
 * table). API processes listen and drop their cached GraphQL responses: the database, not each
 * write path, says when data changed, so a worker, an upload route or a manual fix in psql all
 * invalidate. Statement-level and deduplicated by PostgreSQL within a transaction, so a bulk
 * insert costs one notification. A new table needs the trigger too (a test checks every table).
 */
export const CHANGE_CHANNEL = 'actnas_changes';

const TABLES = [
  'api_tokens', 'audit_events', 'cost_tables', 'device_profile_shares', 'device_profiles', 'invitations', 'memberships', 'model_blobs',
  'model_specs', 'organizations', 'profiling_jobs', 'projects', 'proposal_sets', 'search_requests', 'sessions', 'users',
] as const;

export class ChangeNotifications1795590000000 implements MigrationInterface {
  readonly name = 'ChangeNotifications1795590000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION "actnas_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('${CHANGE_CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$`,
    );
    for (const table of TABLES) {
      await queryRunner.query(`CREATE TRIGGER "actnas_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "actnas_notify_change"()`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`DROP TRIGGER "actnas_changes" ON "${table}"`);
    await queryRunner.query(`DROP FUNCTION "actnas_notify_change"()`);
  }
}
