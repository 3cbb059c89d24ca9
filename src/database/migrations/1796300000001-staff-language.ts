// Generated, then formatted: each staff user keeps the language they chose for the web app (German until they switch).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StaffLanguage1796300000001 implements MigrationInterface {
  name = 'StaffLanguage1796300000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "staff_users" ADD "language" text NOT NULL DEFAULT 'de'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "staff_users" DROP COLUMN "language"`);
  }
}
