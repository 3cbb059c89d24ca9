import { Module } from '@nestjs/common';
import { EmailChannel } from '../channels/email.channel.js';
import { SmsChannel } from '../channels/sms.channel.js';
import { ConsentService } from '../consent/consent.service.js';
import { LinkService } from '../links/link.service.js';
import { PrivacyController } from '../privacy/privacy.controller.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { PublicController } from '../public/public.controller.js';
import { TwilioWebhooksController } from '../webhooks/twilio-webhooks.controller.js';
import { ConfirmationService } from './confirmation.service.js';
import { MessagingService } from './messaging.service.js';

/** Consent, the channels, the supporters' pages and rights: everything that decides and sends a message. */
@Module({
  controllers: [PublicController, TwilioWebhooksController, PrivacyController],
  providers: [
    ConsentService,
    LinkService,
    EmailChannel,
    SmsChannel,
    MessagingService,
    ConfirmationService,
    PrivacyService,
  ],
  exports: [ConsentService, MessagingService, ConfirmationService, LinkService, EmailChannel, SmsChannel],
})
export class MessagingModule {}
