import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { PublicController } from './public.controller.js';
import { SupporterService } from './supporter.service.js';

/** The supporters' own pages: sign-up, confirm, unsubscribe, preferences. */
@Module({ imports: [MessagingModule], controllers: [PublicController], providers: [SupporterService] })
export class PublicModule {}
