// Written by hand, checked against the entities by the schema test: a provider id is no longer unique (a
// misbehaving provider may answer one id twice, and that must not fail the write), and every delivery report is
// kept as it came in message_events.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryReports1795300000000 implements MigrationInterface {
  name = 'DeliveryReports1795300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_84247da8b6bff6dae26dd157eb"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_84247da8b6bff6dae26dd157eb" ON "messages"  ("provider_id") WHERE provider_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "message_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "message_id" uuid, "channel" text NOT NULL, "provider_id" text NOT NULL, "reported" text NOT NULL, "status" text, "provider_code" text, "shared" boolean NOT NULL DEFAULT false, "applied" boolean NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1ee7d4682c056e24ee0b00d1e3b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_f898c800595db4f3ce702e466b" ON "message_events"  ("message_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_f898c800595db4f3ce702e466b"`);
    await queryRunner.query(`DROP TABLE "message_events"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_84247da8b6bff6dae26dd157eb"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_84247da8b6bff6dae26dd157eb" ON "messages"  ("provider_id") WHERE provider_id IS NOT NULL`,
    );
  }
}
