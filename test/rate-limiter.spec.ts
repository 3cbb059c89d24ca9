import pg from 'pg';
import { DatabaseRateLimiter } from '../src/waves/rate-limiter.js';
import { createTestDatabase, type TestDatabase } from './database.js';

describe('rate limiter shared through the database', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const used = async (channel: string) =>
    (
      await pool.query<{ second: string; used: number }>(
        `SELECT second, used FROM rate_windows WHERE channel = $1 ORDER BY second`,
        [channel],
      )
    ).rows;

  it('serves lanes taking tokens at once without granting or wasting more than they take', async () => {
    const limiter = new DatabaseRateLimiter(pool, 'lanes', 400);
    let taken = 0;
    await Promise.all(
      Array.from({ length: 7 }, async () => {
        for (let i = 0; i < 3; i++) {
          await limiter.take();
          taken++;
        }
      }),
    );
    expect(taken).toBe(21);
    // Chunks of 20: 21 tokens need two, or three if a second ends in between. Lanes asking the database at the same
    // time would each get a chunk and keep only the last one's tokens: seven chunks for 21 sends.
    const granted = (await used('lanes')).reduce((s, w) => s + w.used, 0);
    expect(granted).toBeGreaterThanOrEqual(21);
    expect(granted).toBeLessThanOrEqual(60);
  });

  it('never grants more than the rate in one second, across limiters', async () => {
    const a = new DatabaseRateLimiter(pool, 'two', 20);
    const b = new DatabaseRateLimiter(pool, 'two', 20);
    const started = Date.now();
    await Promise.all(
      [a, b].map(async (l) => {
        for (let i = 0; i < 30; i++) await l.take();
      }),
    );
    for (const window of await used('two')) expect(window.used).toBeLessThanOrEqual(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });
});
