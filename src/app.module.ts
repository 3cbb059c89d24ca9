import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfigController } from './app-config/app-config.controller.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AppExceptionFilter } from './common/errors.js';
import { Env } from './config/config.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { dataSourceOptions } from './data-source.js';
import { HealthController } from './health/health.controller.js';
import { ImportsModule } from './imports/imports.module.js';
import { MessagingModule } from './messaging/messaging.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { PublicModule } from './public/public.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { WavesModule } from './waves/waves.module.js';
import { EventsModule } from './events/events.module.js';
import { RegionsModule } from './regions/regions.module.js';
import { SegmentationModule } from './segmentation/segmentation.module.js';
import { TemplatesModule } from './templates/templates.module.js';

@Module({})
export class AppModule {
  /** The database URL is resolved before Nest starts (it may be an embedded server this process launched). */
  static forRoot(env: Env, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl), migrationsRun: true }),
        AuditModule,
        AuthModule,
        RegionsModule,
        ContactsModule,
        ImportsModule,
        SegmentationModule,
        TemplatesModule,
        MessagingModule,
        PublicModule,
        PrivacyModule,
        WebhooksModule,
        WavesModule,
        EventsModule,
      ],
      controllers: [HealthController, AppConfigController],
      providers: [
        { provide: Env, useValue: env },
        { provide: APP_FILTER, useClass: AppExceptionFilter },
      ],
      exports: [Env],
    };
  }
}
