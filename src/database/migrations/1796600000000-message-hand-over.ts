// Written by hand: the moment a message's hand-over to the provider began, so that a stopped worker's rows that had
// not reached it go back to the queue and only the others are ambiguous. Nullable without a default, so adding it
// does not rewrite the ledger. Rows `sending` when it runs were left by a version that did not mark the hand-over:
// they may have gone out, so they count as handed over (their claim's time) and stay ambiguous if their worker
// stopped. A worker of that version must not keep sending after it has run: its rows would look not handed over.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MessageHandOver1796600000000 implements MigrationInterface {
  name = 'MessageHandOver1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" ADD "handed_over_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `UPDATE "messages" SET "handed_over_at" = "updated_at" WHERE "status" = 'sending'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "handed_over_at"`);
  }
}
