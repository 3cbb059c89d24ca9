// Written by hand: a wave's results and its monitor read counters instead of its ledger rows. `wave_counts` holds how
// many of a wave's messages are in each state, per segment × template × version × language × status × error code ×
// handed over (sent_at set); `wave_count_times` how many were handed to the provider per 10 seconds, by their status
// now. Both are kept by statement triggers on `messages` from the transition tables, in the changing transaction, so
// they cannot disagree with the ledger: each statement adds +1 for the rows as they are and −1 for the rows as they
// were, one aggregated upsert per table, in key order (no deadlock between dispatcher lanes). A row's shard is the
// writing connection's (pg_backend_pid() % 8), so concurrent lanes update different counter rows; readers sum the
// shards. Neither table has an entity: nothing but these triggers writes them, and NULLS NOT DISTINCT keys (segment
// and template may be empty) are beyond what the entities describe.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SHARDS = 8;

/** The keys of each counter, as read from a ledger row (`r`). */
const COUNT_KEYS = {
  wave_id: 'r.wave_id',
  segment_id: 'r.segment_id',
  template_key: 'r.template_key',
  template_version: 'r.template_version',
  language: 'r.language',
  status: 'r.status',
  code: 'r.error_code',
  handed: 'r.sent_at IS NOT NULL',
};
const TIME_KEYS = {
  wave_id: 'r.wave_id',
  bucket: "date_bin('10 seconds', r.sent_at, 'epoch')",
  status: 'r.status',
};

/** One aggregated upsert of a statement's changes (`sources`: transition tables with their sign) into `table`. */
function upsertSql(table: string, keys: Record<string, string>, sources: [string, 1 | -1][], filter: string) {
  const names = Object.keys(keys);
  const rows = sources
    .map(
      ([source, sign]) =>
        `SELECT ${names.map((k) => `${keys[k]} AS ${k}`).join(', ')}, ${sign} AS d FROM ${source} r WHERE ${filter}`,
    )
    .join(' UNION ALL ');
  return `INSERT INTO ${table} (${names.join(', ')}, shard, n)
      SELECT ${names.join(', ')}, pg_backend_pid() % ${SHARDS}, sum(d) FROM (${rows}) c
      GROUP BY ${names.join(', ')} HAVING sum(d) <> 0 ORDER BY ${names.join(', ')}
      ON CONFLICT (${names.join(', ')}, shard) DO UPDATE SET n = ${table}.n + EXCLUDED.n;`;
}

const COUNTED = 'r.wave_id IS NOT NULL';
const TIMED = 'r.wave_id IS NOT NULL AND r.sent_at IS NOT NULL';

function applySql(sources: [string, 1 | -1][]) {
  return `${upsertSql('wave_counts', COUNT_KEYS, sources, COUNTED)}
      ${upsertSql('wave_count_times', TIME_KEYS, sources, TIMED)}`;
}

const TRIGGERS: [string, string, [string, 1 | -1][]][] = [
  ['insert', 'INSERT ON messages REFERENCING NEW TABLE AS added', [['added', 1]]],
  [
    'update',
    'UPDATE ON messages REFERENCING OLD TABLE AS removed NEW TABLE AS added',
    [
      ['added', 1],
      ['removed', -1],
    ],
  ],
  ['delete', 'DELETE ON messages REFERENCING OLD TABLE AS removed', [['removed', -1]]],
];

export class WaveCounters1797000002000 implements MigrationInterface {
  name = 'WaveCounters1797000002000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "wave_counts" (
      "wave_id" uuid NOT NULL REFERENCES "waves"("id") ON DELETE CASCADE, "segment_id" uuid, "template_key" text,
      "template_version" integer, "language" text, "status" text NOT NULL, "code" text, "handed" boolean NOT NULL,
      "shard" smallint NOT NULL, "n" bigint NOT NULL,
      CONSTRAINT "UQ_wave_counts" UNIQUE NULLS NOT DISTINCT
        ("wave_id", "segment_id", "template_key", "template_version", "language", "status", "code", "handed", "shard"))`);
    await queryRunner.query(`CREATE TABLE "wave_count_times" (
      "wave_id" uuid NOT NULL REFERENCES "waves"("id") ON DELETE CASCADE, "bucket" timestamptz NOT NULL,
      "status" text NOT NULL, "shard" smallint NOT NULL, "n" bigint NOT NULL,
      CONSTRAINT "PK_wave_count_times" PRIMARY KEY ("wave_id", "bucket", "status", "shard"))`);
    for (const [op, referencing, sources] of TRIGGERS) {
      await queryRunner.query(`CREATE FUNCTION wave_counts_${op}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          ${applySql(sources)}
          RETURN NULL;
        END $$`);
      await queryRunner.query(`CREATE TRIGGER wave_counts_after_${op} AFTER ${referencing}
        FOR EACH STATEMENT EXECUTE FUNCTION wave_counts_${op}()`);
    }
    await queryRunner.query(
      `INSERT INTO wave_counts (${Object.keys(COUNT_KEYS).join(', ')}, shard, n)
       SELECT ${Object.values(COUNT_KEYS).join(', ')}, 0, count(*) FROM messages r WHERE ${COUNTED}
       GROUP BY ${Object.keys(COUNT_KEYS)
         .map((_, i) => i + 1)
         .join(', ')}`,
    );
    await queryRunner.query(
      `INSERT INTO wave_count_times (${Object.keys(TIME_KEYS).join(', ')}, shard, n)
       SELECT ${Object.values(TIME_KEYS).join(', ')}, 0, count(*) FROM messages r WHERE ${TIMED} GROUP BY 1, 2, 3`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [op] of TRIGGERS) {
      await queryRunner.query(`DROP TRIGGER wave_counts_after_${op} ON messages`);
      await queryRunner.query(`DROP FUNCTION wave_counts_${op}()`);
    }
    await queryRunner.query(`DROP TABLE "wave_count_times"`);
    await queryRunner.query(`DROP TABLE "wave_counts"`);
  }
}
