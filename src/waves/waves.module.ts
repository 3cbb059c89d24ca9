import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { Dispatcher } from './dispatcher.js';
import { WavesController } from './waves.controller.js';
import { WavesService } from './waves.service.js';

@Module({
  imports: [MessagingModule],
  controllers: [WavesController],
  providers: [WavesService, Dispatcher],
  exports: [WavesService, Dispatcher],
})
export class WavesModule {}
