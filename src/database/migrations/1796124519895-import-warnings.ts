// Generated, then formatted: contacts keep whether their phone is a landline (never an SMS address), and import jobs
// count the empty lines they skipped and the rows they kept with a warning.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportWarnings1796124519895 implements MigrationInterface {
  name = 'ImportWarnings1796124519895';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "contacts" ADD "phone_landline" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "import_jobs" ADD "skipped" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "import_jobs" ADD "warnings" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "import_jobs" ADD "warning_list" jsonb NOT NULL DEFAULT '[]'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "import_jobs" DROP COLUMN "warning_list"`);
    await queryRunner.query(`ALTER TABLE "import_jobs" DROP COLUMN "warnings"`);
    await queryRunner.query(`ALTER TABLE "import_jobs" DROP COLUMN "skipped"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "phone_landline"`);
  }
}
