// Written by hand: a wave's complaints, counted for its results, are found by an index over the few provider reports
// that are complaints, not by a pass over every report. Its condition is `isComplaintSql` (messaging/opt-outs.service)
// word for word: a query uses a partial index only when its condition implies the index's.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ComplaintIndex1797000004000 implements MigrationInterface {
  name = 'ComplaintIndex1797000004000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_message_events_complaint_wave" ON "message_events" ("wave_id")
       WHERE lower(reported) IN ('complaint', 'complained', 'spamreport', 'spamcomplaint', 'abuse')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_message_events_complaint_wave"`);
  }
}
