// Written by hand, checked against the entities by the schema test. Regions move into region sets (a level and the
// edition of its boundaries) and their feature values into feature_values, each with the day it describes. Existing
// regions become one set per level, named by the election their results' labels state, or "legacy". Result keys lose
// their year (bt2025_spd_second_pct → bt_spd_second_pct): the day is now beside the value. Nothing is dropped.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const MONTHS = 'januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember'.split(
  '|',
);

/** The latest day a label names, as the importers read it; frozen here so the migration never changes. */
function labelDate(label: string): string | null {
  const text = label.toLowerCase();
  const pad = (n: number) => String(n).padStart(2, '0');
  const end = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  const days: string[] = [];
  for (const m of text.matchAll(/\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b/g))
    days.push(`${m[3]}-${pad(+m[2])}-${pad(+m[1])}`);
  const rest = text.replace(/\b\d{1,2}\.\d{1,2}\.\d{4}\b/g, ' ');
  for (const m of rest.matchAll(new RegExp(`\\b(${MONTHS.join('|')})\\s+(\\d{4})\\b`, 'g'))) {
    const month = MONTHS.indexOf(m[1]) + 1;
    days.push(`${m[2]}-${pad(month)}-${pad(end(+m[2], month))}`);
  }
  const plain = rest.replace(new RegExp(`\\b(${MONTHS.join('|')})\\s+\\d{4}\\b`, 'g'), ' ');
  for (const m of plain.matchAll(/(?<![\d.])((?:19|20)\d{2})(?![\d.])/g)) days.push(`${m[1]}-12-31`);
  return days.length ? days.sort().at(-1)! : null;
}

interface OldFeature {
  key: string;
  label: string;
  unit: string | null;
  source: string;
}

export class RegionEditions1796122508454 implements MigrationInterface {
  name = 'RegionEditions1796122508454';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string, params?: unknown[]): Promise<unknown> => queryRunner.query(sql, params);
    await q(
      `CREATE TABLE "region_sets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" text NOT NULL, "level" text NOT NULL, "edition" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_5ac21b064b0a028f93922324432" UNIQUE ("id", "level"), CONSTRAINT "PK_c61b369b9effca1bbc1e897ec38" PRIMARY KEY ("id"))`,
    );
    await q(`CREATE UNIQUE INDEX "IDX_8f324e4b4eb6ab6cc74310cc12" ON "region_sets"  ("key") `);
    await q(`CREATE UNIQUE INDEX "IDX_93e99140a14a71aa581af0cdf2" ON "region_sets"  ("level", "edition") `);
    await q(
      `CREATE TABLE "region_levels" ("level" text NOT NULL, "current_set_id" uuid NOT NULL, "chosen_by" uuid, "chosen_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ff97ef7dd6c02749f3ced69fb36" PRIMARY KEY ("level"))`,
    );
    await q(
      `CREATE TABLE "feature_values" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "region_id" uuid NOT NULL, "feature_key" text NOT NULL, "as_of" date, "value" double precision, CONSTRAINT "PK_ab529fd31617e81dcdef3404602" PRIMARY KEY ("id"))`,
    );
    await q(`CREATE INDEX "IDX_a51cb12e013d523fe474750f8a" ON "feature_values"  ("feature_key", "as_of") `);
    await q(`ALTER TABLE "import_jobs" ADD "report" jsonb NOT NULL DEFAULT '{}'`);

    // The catalogue: each key gets its date-free name; results keys lose their year.
    const features = (await q(`SELECT key, label, unit, source FROM features`)) as OldFeature[];
    const catalogued = new Set(features.map((f) => f.key));
    const present = (await q(`SELECT DISTINCT k AS key FROM regions, jsonb_object_keys(features) AS k`)) as {
      key: string;
    }[];
    for (const { key } of present)
      if (!features.some((f) => f.key === key))
        features.push({ key, label: key, unit: null, source: 'regions' });
    const moves = features.map((f) => {
      const result = f.source === 'results' ? /^([a-z]+?)(\d{4})_(.+)$/.exec(f.key) : null;
      return {
        ...f,
        old: f.key,
        key: result ? `${result[1]}_${result[3]}` : f.key,
        asOf: labelDate(f.label),
      };
    });
    const elections = moves
      .filter((m) => m.source === 'results' && m.asOf)
      .map((m) => m.asOf!.slice(0, 4))
      .sort();
    const edition = elections.at(-1) ?? 'legacy';

    await q(`ALTER TABLE "regions" ADD "set_id" uuid`);
    await q(
      `INSERT INTO region_sets (key, level, edition) SELECT DISTINCT level || '/' || $1, level, $1 FROM regions`,
      [edition],
    );
    await q(`UPDATE regions r SET set_id = s.id FROM region_sets s WHERE s.level = r.level`);
    await q(`INSERT INTO region_levels (level, current_set_id) SELECT level, id FROM region_sets`);

    await q(
      `INSERT INTO features (key, label, unit, source)
       SELECT m.key, m.label, m.unit, m.source FROM jsonb_to_recordset($1::jsonb) AS m(key text, label text, unit text, source text)
       ON CONFLICT (key) DO NOTHING`,
      [JSON.stringify(moves.filter((m) => !catalogued.has(m.key)))],
    );
    await q(
      `INSERT INTO feature_values (region_id, feature_key, as_of, value)
       SELECT r.id, m.key, m."asOf"::date, (r.features ->> m.old)::double precision
       FROM regions r CROSS JOIN jsonb_to_recordset($1::jsonb) AS m(old text, key text, "asOf" text)
       WHERE r.features ? m.old`,
      [JSON.stringify(moves)],
    );
    const renamed = moves.filter((m) => m.key !== m.old);
    await q(`DELETE FROM features WHERE key = ANY($1)`, [renamed.map((m) => m.old)]);
    for (const { old, key } of renamed) {
      for (const [table, column] of [
        ['segmentation_runs', 'feature_keys'],
        ['segmentation_runs', 'feature_stats'],
        ['segments', 'centroid'],
        ['segments', 'distinguishing'],
      ])
        await q(
          `UPDATE ${table} SET ${column} = replace(${column}::text, $1, $2)::jsonb WHERE ${column}::text LIKE $3`,
          [JSON.stringify(old), JSON.stringify(key), `%${JSON.stringify(old)}%`],
        );
    }
    // Each catalogue label now names the feature without its days; the days are beside the values.
    const dates = new RegExp(
      `\\s+(am|zum)?\\s*(\\d{2}\\.\\d{2}\\.\\d{4}|(${MONTHS.join('|')})\\s+(19|20)\\d{2}|(19|20)\\d{2})\\b`,
      'gi',
    );
    for (const m of moves)
      await q(`UPDATE features SET label = $2 WHERE key = $1`, [
        m.key,
        m.label
          .replace(dates, '')
          .replace(/\s+-\s+/g, ' - ')
          .replace(/\s+/g, ' ')
          .trim(),
      ]);

    await q(`DROP INDEX "public"."IDX_d02daa5900af57eba5e91a163d"`);
    await q(`ALTER TABLE "regions" DROP COLUMN "features"`);
    await q(`ALTER TABLE "regions" ALTER COLUMN "set_id" SET NOT NULL`);
    await q(`CREATE UNIQUE INDEX "IDX_36cf9435da8c01f816db732537" ON "regions"  ("set_id", "code") `);

    await q(`ALTER TABLE "postcodes" ADD "set_id" uuid`);
    await q(`UPDATE postcodes p SET set_id = r.set_id FROM regions r WHERE r.id = p.region_id`);
    await q(`ALTER TABLE "postcodes" ALTER COLUMN "set_id" SET NOT NULL`);
    await q(`ALTER TABLE "postcodes" DROP CONSTRAINT "PK_4910f3e396545af43b45c7c672b"`);
    await q(
      `ALTER TABLE "postcodes" ADD CONSTRAINT "PK_afc5a47581845cf57fe66227aaa" PRIMARY KEY ("postcode", "set_id")`,
    );

    await q(`ALTER TABLE "segmentation_runs" ADD "region_set_id" uuid`);
    await q(`ALTER TABLE "segmentation_runs" ADD "feature_dates" jsonb NOT NULL DEFAULT '{}'`);
    await q(
      `UPDATE segmentation_runs r SET region_set_id = s.id,
         feature_dates = COALESCE((SELECT jsonb_object_agg(fk.key, d.as_of)
           FROM jsonb_array_elements_text(r.feature_keys) AS fk(key)
           LEFT JOIN LATERAL (SELECT max(v.as_of) AS as_of FROM feature_values v WHERE v.feature_key = fk.key) d ON true), '{}')
       FROM region_sets s WHERE r.target = 'regions' AND s.level = r.level`,
    );

    await q(
      `CREATE UNIQUE INDEX "feature_values_one_per_day" ON "feature_values" ("region_id", "feature_key", (COALESCE("as_of", '-infinity'::date)))`,
    );
    await q(
      `ALTER TABLE "region_levels" ADD CONSTRAINT "FK_cda82829cc353a953da19b2904e" FOREIGN KEY ("current_set_id", "level") REFERENCES "region_sets"("id","level") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q(
      `ALTER TABLE "regions" ADD CONSTRAINT "FK_aea8d45951d0987277b66128e45" FOREIGN KEY ("set_id", "level") REFERENCES "region_sets"("id","level") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q(
      `ALTER TABLE "postcodes" ADD CONSTRAINT "FK_62a03a01400eac22a43e9200e07" FOREIGN KEY ("set_id") REFERENCES "region_sets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q(
      `ALTER TABLE "feature_values" ADD CONSTRAINT "FK_696c0d7c5f04a6282b4c2b2bb85" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q(
      `ALTER TABLE "feature_values" ADD CONSTRAINT "FK_4bf48b7fd0316890f4587bfda66" FOREIGN KEY ("feature_key") REFERENCES "features"("key") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await q(
      `ALTER TABLE "segmentation_runs" ADD CONSTRAINT "FK_96ca41c0e4f741dc7f5884d62df" FOREIGN KEY ("region_set_id") REFERENCES "region_sets"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  /** Back to one region per level and code: the current set of each level stays, with its latest values. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`ALTER TABLE "segmentation_runs" DROP CONSTRAINT "FK_96ca41c0e4f741dc7f5884d62df"`);
    await q(`ALTER TABLE "feature_values" DROP CONSTRAINT "FK_4bf48b7fd0316890f4587bfda66"`);
    await q(`ALTER TABLE "postcodes" DROP CONSTRAINT "FK_62a03a01400eac22a43e9200e07"`);
    await q(`ALTER TABLE "regions" DROP CONSTRAINT "FK_aea8d45951d0987277b66128e45"`);
    await q(`ALTER TABLE "region_levels" DROP CONSTRAINT "FK_cda82829cc353a953da19b2904e"`);
    await q(`DELETE FROM regions WHERE set_id NOT IN (SELECT current_set_id FROM region_levels)`);
    await q(`ALTER TABLE "regions" ADD "features" jsonb NOT NULL DEFAULT '{}'`);
    await q(
      `UPDATE regions r SET features = v.features FROM (
         SELECT region_id, jsonb_object_agg(feature_key, value) AS features FROM (
           SELECT DISTINCT ON (region_id, feature_key) region_id, feature_key, value FROM feature_values
           ORDER BY region_id, feature_key, as_of DESC NULLS LAST) latest GROUP BY region_id) v
       WHERE v.region_id = r.id`,
    );
    await q(`DROP INDEX "public"."IDX_36cf9435da8c01f816db732537"`);
    await q(`ALTER TABLE "regions" DROP COLUMN "set_id"`);
    await q(
      `CREATE UNIQUE INDEX "IDX_d02daa5900af57eba5e91a163d" ON "regions" USING btree ("code", "level") `,
    );
    await q(`ALTER TABLE "segmentation_runs" DROP COLUMN "feature_dates"`);
    await q(`ALTER TABLE "segmentation_runs" DROP COLUMN "region_set_id"`);
    await q(`ALTER TABLE "postcodes" DROP CONSTRAINT "PK_afc5a47581845cf57fe66227aaa"`);
    await q(`ALTER TABLE "postcodes" DROP COLUMN "set_id"`);
    await q(
      `ALTER TABLE "postcodes" ADD CONSTRAINT "PK_4910f3e396545af43b45c7c672b" PRIMARY KEY ("postcode")`,
    );
    await q(`ALTER TABLE "import_jobs" DROP COLUMN "report"`);
    await q(`DROP TABLE "feature_values"`);
    await q(`DROP TABLE "region_levels"`);
    await q(`DROP TABLE "region_sets"`);
  }
}
