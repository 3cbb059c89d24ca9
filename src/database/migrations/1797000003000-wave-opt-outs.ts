// Written by hand: the opt-outs attributed to a wave (an unsubscribe through one of its links, an SMS STOP within
// 72 hours of its message), one row per message, without the contact.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WaveOptOuts1797000003000 implements MigrationInterface {
  name = 'WaveOptOuts1797000003000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "wave_opt_outs" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "wave_id" uuid NOT NULL, "message_id" uuid, "segment_id" uuid, "template_key" text, "template_version" integer, "language" text, "channel" text NOT NULL, "via" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_wave_opt_outs" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_wave_opt_outs_wave" ON "wave_opt_outs" ("wave_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_wave_opt_outs_message" ON "wave_opt_outs" ("message_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "wave_opt_outs" ADD CONSTRAINT "FK_wave_opt_outs_wave" FOREIGN KEY ("wave_id") REFERENCES "waves"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "wave_opt_outs" ADD CONSTRAINT "FK_wave_opt_outs_message" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "wave_opt_outs"`);
  }
}
