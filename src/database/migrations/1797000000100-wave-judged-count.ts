// Written by hand: the recipients a wave's latest preview or launch attempt counted, and of which revision, so that
// the waves awaiting an approval (more recipients than the threshold, no approval of the revision now) can be listed
// without judging every draft's audience again.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WaveJudgedCount1797000000100 implements MigrationInterface {
  name = 'WaveJudgedCount1797000000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "waves" ADD "judged_final" integer`);
    await queryRunner.query(`ALTER TABLE "waves" ADD "judged_revision" integer`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "waves" DROP COLUMN "judged_revision"`);
    await queryRunner.query(`ALTER TABLE "waves" DROP COLUMN "judged_final"`);
  }
}
