import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { validationFailure } from './common/errors.js';
import { ScrubbingLogger } from './common/logging.js';
import type { Env } from './config/config.js';

/** The configured HTTP application (validation, OpenAPI at /docs), not yet listening. */
export async function createApp(env: Env, databaseUrl: string): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(env, databaseUrl), {
    logger: new ScrubbingLogger(env.LOG_LEVEL),
  });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationFailure,
    }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Voter segmentation and messaging engine')
      .setDescription('Staff API: imports, regions, features, contacts, staff access.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
