// Written by hand: double opt-in requests go out only when staff release them (or the person asked, by a sign-up or
// a preference change). A release is recorded with who decided, and its messages carry its id for their progress.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConfirmationReleases1796600000020 implements MigrationInterface {
  name = 'ConfirmationReleases1796600000020';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "confirmation_releases" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "source" text NOT NULL, "import_job_id" uuid, "created_by" uuid, "second_ask" boolean NOT NULL DEFAULT false, "queued" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_confirmation_releases" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`ALTER TABLE "messages" ADD "release_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "IDX_messages_release" ON "messages" ("release_id") WHERE release_id IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "import_jobs" ADD "confirmations" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "import_jobs" DROP COLUMN "confirmations"`);
    await queryRunner.query(`DROP INDEX "IDX_messages_release"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "release_id"`);
    await queryRunner.query(`DROP TABLE "confirmation_releases"`);
  }
}
