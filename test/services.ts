import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { testConfig } from './app.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/**
 * The medium tier: the application's services on their own fresh database, without HTTP and without users. For a
 * spec about what a service does with the database, not about routes, roles or answers: `s.app.get(AuthService)`.
 */
export interface TestServices {
  app: INestApplicationContext;
  db: TestDatabase;
  close(): Promise<void>;
}

export async function startServices(env: Record<string, string> = {}): Promise<TestServices> {
  const db = await createTestDatabase();
  const config = await testConfig({ DISPATCH_IN_API: 'false', ...env });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, db.url), {
    logger: false,
  });
  return {
    app,
    db,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
