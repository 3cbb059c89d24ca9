// Generated, then formatted: region shapes as imported (one per region), and per region set the simplified TopoJSON
// document a map draws, with its ETag and whom to credit.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RegionGeometry1796300000000 implements MigrationInterface {
  name = 'RegionGeometry1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "region_geometries" ("region_id" uuid NOT NULL, "geometry" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bd8c1ece2e10837a5ec05eb79f0" PRIMARY KEY ("region_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "region_set_geometries" ("set_id" uuid NOT NULL, "topology" jsonb NOT NULL, "etag" text NOT NULL, "source" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e64e614312aa538272e23030f45" PRIMARY KEY ("set_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "region_geometries" ADD CONSTRAINT "FK_bd8c1ece2e10837a5ec05eb79f0" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "region_set_geometries" ADD CONSTRAINT "FK_e64e614312aa538272e23030f45" FOREIGN KEY ("set_id") REFERENCES "region_sets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "region_set_geometries" DROP CONSTRAINT "FK_e64e614312aa538272e23030f45"`,
    );
    await queryRunner.query(
      `ALTER TABLE "region_geometries" DROP CONSTRAINT "FK_bd8c1ece2e10837a5ec05eb79f0"`,
    );
    await queryRunner.query(`DROP TABLE "region_set_geometries"`);
    await queryRunner.query(`DROP TABLE "region_geometries"`);
  }
}
