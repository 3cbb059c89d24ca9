import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { openApiDocument } from './openapi-config.js';
import { loadConfig } from './config/config.js';

/**
 * Writes the OpenAPI document without a database: the application graph is built in preview mode (no provider
 * runs), which is all the document needs. The web app's typed client is generated from this file at build time.
 */
async function main(out: string) {
  const env = loadConfig({ LOG_LEVEL: 'error' });
  const app = await NestFactory.create(AppModule.forRoot(env, 'postgres://127.0.0.1:1/none'), {
    preview: true,
    logger: false,
  });
  await writeFile(out, JSON.stringify(openApiDocument(app), null, 1) + '\n');
  await app.close();
}

main(process.argv[2] ?? 'openapi.json').catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
