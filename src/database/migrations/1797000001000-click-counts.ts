// Generated, then the group's unique index added by hand (NULLS NOT DISTINCT: a wave without segments has one group
// per template version and language, not one per message). Versions saved before have no numbered links: they are
// numbered when first sent (`templateContents`).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ClickCounts1797000001000 implements MigrationInterface {
  name = 'ClickCounts1797000001000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "click_targets" ("id" SERIAL NOT NULL, "wave_id" uuid NOT NULL, "segment_id" uuid, "template_key" text NOT NULL, "template_version" integer NOT NULL, "language" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b2a740058fedf71fddcdc0e8242" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_click_targets_group" ON "click_targets" ("wave_id", "segment_id", "template_key", "template_version", "language") NULLS NOT DISTINCT`,
    );
    await queryRunner.query(
      `CREATE TABLE "link_clicks" ("wave_id" uuid NOT NULL, "segment_id" uuid, "template_key" text NOT NULL, "template_version" integer NOT NULL, "language" text NOT NULL, "id" BIGSERIAL NOT NULL, "target_id" integer NOT NULL, "link_index" smallint NOT NULL, "nonce" bigint NOT NULL, "message_id" uuid, "clicked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_19d536461401f505e14ddf46ae6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_89a0ec37bcd7a14874631d3533" ON "link_clicks" ("wave_id", "clicked_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "link_click_nonces" ("target_id" integer NOT NULL, "link_index" smallint NOT NULL, "nonce" bigint NOT NULL, CONSTRAINT "PK_0a1cc388044e55b99021834fe2b" PRIMARY KEY ("target_id", "link_index", "nonce"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "link_click_counts" ("wave_id" uuid NOT NULL, "segment_id" uuid, "template_key" text NOT NULL, "template_version" integer NOT NULL, "language" text NOT NULL, "target_id" integer NOT NULL, "link_index" smallint NOT NULL, "clicks" integer NOT NULL, "unique_clicks" integer NOT NULL, CONSTRAINT "PK_464baae03ce9147f97e6b8aec7a" PRIMARY KEY ("target_id", "link_index"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_f5090f0feff2c8d06ebf3516b9" ON "link_click_counts" ("wave_id") `,
    );
    await queryRunner.query(`ALTER TABLE "issue_template_versions" ADD "links" jsonb`);
    await queryRunner.query(
      `ALTER TABLE "click_targets" ADD CONSTRAINT "FK_70c3af687206f4c80cd741518e3" FOREIGN KEY ("wave_id") REFERENCES "waves"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "link_clicks" ADD CONSTRAINT "FK_8a67a1168ff04636de834b99168" FOREIGN KEY ("target_id") REFERENCES "click_targets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "link_clicks" ADD CONSTRAINT "FK_b7e3ea29d3c888bdefe6f562c8c" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "link_click_nonces" ADD CONSTRAINT "FK_72018c74bb311a25386449c5aaa" FOREIGN KEY ("target_id") REFERENCES "click_targets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "link_click_counts" ADD CONSTRAINT "FK_bdb55425d6920ae6525bf640773" FOREIGN KEY ("target_id") REFERENCES "click_targets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "issue_template_versions" DROP COLUMN "links"`);
    await queryRunner.query(`DROP TABLE "link_click_counts"`);
    await queryRunner.query(`DROP TABLE "link_click_nonces"`);
    await queryRunner.query(`DROP TABLE "link_clicks"`);
    await queryRunner.query(`DROP TABLE "click_targets"`);
  }
}
