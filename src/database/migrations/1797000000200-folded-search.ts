// Written by hand: the contact search folds accents and ß, so "Weiss" finds Weiß, "muller" Müller and "Jose" José.
// unaccent (a trusted extension: the database's owner may create it) maps ß to ss and strips the marks; the
// IMMUTABLE wrapper names its dictionary with the schema, so an index may use it whatever the search_path. The
// name trigram index and the email prefix index are rebuilt on the folded text, under the names the entity knows.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FoldedSearch1797000000200 implements MigrationInterface {
  name = 'FoldedSearch1797000000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public`);
    await queryRunner.query(
      `CREATE FUNCTION public.search_fold(text) RETURNS text
       LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
       AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$`,
    );
    await queryRunner.query(`DROP INDEX "IDX_contacts_name_search"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_contacts_name_search" ON "contacts"
       USING gin ((public.search_fold(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) gin_trgm_ops)`,
    );
    await queryRunner.query(`DROP INDEX "IDX_contacts_email_prefix"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_contacts_email_prefix" ON "contacts" ((public.search_fold(email)) text_pattern_ops)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_contacts_email_prefix"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_contacts_email_prefix" ON "contacts" ("email" text_pattern_ops)`,
    );
    await queryRunner.query(`DROP INDEX "IDX_contacts_name_search"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_contacts_name_search" ON "contacts"
       USING gin ((lower(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) gin_trgm_ops)`,
    );
    await queryRunner.query(`DROP FUNCTION public.search_fold(text)`);
    await queryRunner.query(`DROP EXTENSION IF EXISTS unaccent`);
  }
}
