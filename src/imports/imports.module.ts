import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Env } from '../config/config.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { ImportMappingsController } from './import-mappings.controller.js';
import { ImportMappingsService } from './import-mappings.service.js';
import { ImportsController } from './imports.controller.js';
import { ImportsService } from './imports.service.js';

@Module({
  imports: [
    MessagingModule,
    MulterModule.registerAsync({
      inject: [Env],
      useFactory: (env: Env) => {
        const dest = join(env.DATA_DIR, 'uploads');
        mkdirSync(dest, { recursive: true });
        return { dest, limits: { fileSize: env.MAX_UPLOAD_BYTES, files: 1, fields: 10 } };
      },
    }),
  ],
  controllers: [ImportsController, ImportMappingsController],
  providers: [ImportsService, ImportMappingsService],
  exports: [ImportsService],
})
export class ImportsModule {}
