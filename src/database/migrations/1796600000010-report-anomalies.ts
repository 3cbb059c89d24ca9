// Written by hand: a provider report is about one message. One that cannot be tied to exactly one (an id no message
// carries, or one several carry with no single recipient among them) is kept with the reason and counted on its wave.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportAnomalies1796600000010 implements MigrationInterface {
  name = 'ReportAnomalies1796600000010';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "message_events" ADD "anomaly" text`);
    await queryRunner.query(`ALTER TABLE "message_events" ADD "wave_id" uuid`);
    // Reports kept before this rule, with no message, are the same anomaly by the new name.
    await queryRunner.query(
      `UPDATE "message_events" SET "anomaly" = 'unknown-id' WHERE "message_id" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_message_events_anomaly_wave" ON "message_events" ("wave_id") WHERE anomaly IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_message_events_anomaly_wave"`);
    await queryRunner.query(`ALTER TABLE "message_events" DROP COLUMN "wave_id"`);
    await queryRunner.query(`ALTER TABLE "message_events" DROP COLUMN "anomaly"`);
  }
}
