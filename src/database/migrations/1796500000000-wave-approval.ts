// Written by hand: a wave above APPROVAL_THRESHOLD needs the approval of someone who neither created nor changed it.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WaveApproval1796500000000 implements MigrationInterface {
  name = 'WaveApproval1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "waves" ADD "edited_by" uuid array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "waves" ADD "approved_by" uuid`);
    await queryRunner.query(`ALTER TABLE "waves" ADD "approved_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "waves" DROP COLUMN "approved_at"`);
    await queryRunner.query(`ALTER TABLE "waves" DROP COLUMN "approved_by"`);
    await queryRunner.query(`ALTER TABLE "waves" DROP COLUMN "edited_by"`);
  }
}
