// Written by hand: an approval is of one revision of a wave. The revision rises with every change to what decides who
// gets what (the definition, and the template versions it resolves to, kept in `resolved`); an approval records the
// revision and the preview's final count it saw. Approvals given before there were revisions record neither: they
// are kept, and a launch asks for a new one (the count they saw is unknown).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WaveRevisions1796800000001 implements MigrationInterface {
  name = 'WaveRevisions1796800000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "waves" ADD "revision" integer NOT NULL DEFAULT 1`);
    await queryRunner.query(`ALTER TABLE "waves" ADD "resolved" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "waves" ADD "approved_revision" integer`);
    await queryRunner.query(`ALTER TABLE "waves" ADD "approved_final" integer`);
    await queryRunner.query(`UPDATE "waves" SET "approved_revision" = 1 WHERE "approved_by" IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // A wave waiting for a new approval was scheduled before it.
    await queryRunner.query(`UPDATE "waves" SET "status" = 'scheduled' WHERE "status" = 'needs-approval'`);
    await queryRunner.query(`ALTER TABLE "waves" DROP COLUMN "approved_final"`);
    await queryRunner.query(`ALTER TABLE "waves" DROP COLUMN "approved_revision"`);
    await queryRunner.query(`ALTER TABLE "waves" DROP COLUMN "resolved"`);
    await queryRunner.query(`ALTER TABLE "waves" DROP COLUMN "revision"`);
  }
}
