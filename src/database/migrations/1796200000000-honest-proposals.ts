// Written by hand, checked against the entities by the schema test: a run keeps the noise of its chosen k's
// silhouette and the k that tie with it within that noise (null for runs made before), and a strategist's choice
// may have been made where there was no clear match to propose (proposed_key null).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class HonestProposals1796200000000 implements MigrationInterface {
  name = 'HonestProposals1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "segmentation_runs" ADD "silhouette_noise" double precision`);
    await queryRunner.query(`ALTER TABLE "segmentation_runs" ADD "near_ties" jsonb`);
    await queryRunner.query(`ALTER TABLE "segment_matches" ALTER COLUMN "proposed_key" DROP NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The earlier schema needs a proposal on every decision: a choice made without one keeps its template there
    // (it stays marked as overridden, which is what it was: chosen by hand).
    await queryRunner.query(
      `UPDATE "segment_matches" SET "proposed_key" = "template_key" WHERE "proposed_key" IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "segment_matches" ALTER COLUMN "proposed_key" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "segmentation_runs" DROP COLUMN "near_ties"`);
    await queryRunner.query(`ALTER TABLE "segmentation_runs" DROP COLUMN "silhouette_noise"`);
  }
}
