// Written by hand: a second factor for staff sign-in. The TOTP secret is stored encrypted with a server key (the
// application encrypts it; the database never sees it in clear), recovery codes as SHA-256 hashes, each removed when
// used, and the last accepted time step so that no code is accepted twice.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StaffSecondFactor1796900000010 implements MigrationInterface {
  name = 'StaffSecondFactor1796900000010';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "staff_users" ADD "mfa_secret" text`);
    await queryRunner.query(`ALTER TABLE "staff_users" ADD "mfa_enabled_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "staff_users" ADD "mfa_pending_secret" text`);
    await queryRunner.query(`ALTER TABLE "staff_users" ADD "mfa_last_step" integer`);
    await queryRunner.query(`ALTER TABLE "staff_users" ADD "mfa_recovery_codes" text array`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "staff_users" DROP COLUMN "mfa_recovery_codes"`);
    await queryRunner.query(`ALTER TABLE "staff_users" DROP COLUMN "mfa_last_step"`);
    await queryRunner.query(`ALTER TABLE "staff_users" DROP COLUMN "mfa_pending_secret"`);
    await queryRunner.query(`ALTER TABLE "staff_users" DROP COLUMN "mfa_enabled_at"`);
    await queryRunner.query(`ALTER TABLE "staff_users" DROP COLUMN "mfa_secret"`);
  }
}
