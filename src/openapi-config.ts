import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { documentStaffAuth } from './auth/openapi-security.js';

/** The OpenAPI document: one place for the service (/docs) and the web app's generated client. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Voter segmentation and messaging engine')
    .setDescription(
      'Staff API: imports, region sets and editions, features, geometry, segmentations and issue matches, templates, contacts and consent, waves, privacy. Scripts send an opaque bearer token or API key; the web app signs in with a session cookie.',
    )
    .setVersion('0.1.0')
    .build();
  return documentStaffAuth(SwaggerModule.createDocument(app, config));
}
