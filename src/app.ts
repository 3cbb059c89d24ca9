import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { validationFailure } from './common/errors.js';
import { ScrubbingLogger } from './common/logging.js';
import type { Env } from './config/config.js';
import { openApiDocument } from './openapi-config.js';
import { securityHeaders } from './security-headers.js';
import { DEFAULT_WEB_APP_DIR, serveWebApp } from './web-app.js';

/** The configured HTTP application (security headers, the web app at /app, validation, OpenAPI at /docs), not yet listening. */
export async function createApp(env: Env, databaseUrl: string): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env, databaseUrl), {
    logger: new ScrubbingLogger(env.LOG_LEVEL),
  });
  app.use(securityHeaders());
  serveWebApp(app, env.WEB_APP_DIR ?? DEFAULT_WEB_APP_DIR);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationFailure,
    }),
  );
  const document = openApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
