// Written by hand: each template says which values its messages may use (campaign, or event with the event's date
// and place), and a decision on a segment's template keeps the strategist's comment beside it.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TemplateContexts1796400000000 implements MigrationInterface {
  name = 'TemplateContexts1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "issue_templates" ADD "context" text NOT NULL DEFAULT 'campaign'
       CONSTRAINT "CHK_issue_templates_context" CHECK ("context" IN ('campaign', 'event'))`,
    );
    await queryRunner.query(
      `UPDATE "issue_templates" SET "context" = 'event'
       WHERE "content"::text ~ '\\{\\{\\s*event_(date|place)\\s*\\}\\}'`,
    );
    await queryRunner.query(`ALTER TABLE "segment_matches" ADD "comment" text`);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_log_entity" ON "audit_log" ("entity_type", "entity_id")`,
    );
    // The comments so far were only in the audit log: the latest one of each decision comes along.
    await queryRunner.query(
      `UPDATE "segment_matches" m SET "comment" = (
         SELECT a.details ->> 'comment' FROM "audit_log" a
         WHERE a.entity_type = 'segment' AND a.entity_id = m.segment_id::text
           AND a.action IN ('match.approve', 'match.override')
         ORDER BY a.id DESC LIMIT 1)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_audit_log_entity"`);
    await queryRunner.query(`ALTER TABLE "segment_matches" DROP COLUMN "comment"`);
    await queryRunner.query(`ALTER TABLE "issue_templates" DROP COLUMN "context"`);
  }
}
