import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { ConfirmationReleasesService } from './confirmation-releases.service.js';
import { ConfirmationsController } from './confirmations.controller.js';
import { PrivacyController } from './privacy.controller.js';
import { PrivacyService } from './privacy.service.js';

/** The rights of the person (history, export, erasure), retention, and staff's single messages. */
@Module({
  imports: [MessagingModule],
  controllers: [PrivacyController, ConfirmationsController],
  providers: [PrivacyService, ConfirmationReleasesService],
})
export class PrivacyModule {}
