import { Module } from '@nestjs/common';
import { EmailChannel } from '../channels/email.channel.js';
import { SmsChannel } from '../channels/sms.channel.js';
import { ConsentService } from '../consent/consent.service.js';
import { ClicksService } from '../links/clicks.service.js';
import { LinkService } from '../links/link.service.js';
import { ConfirmationService } from './confirmation.service.js';
import { MessagingService } from './messaging.service.js';
import { OptOutsService } from './opt-outs.service.js';

/** Consent, the channels and the ledger's single messages: what decides and queues a message. */
@Module({
  providers: [
    ConsentService,
    LinkService,
    ClicksService,
    EmailChannel,
    SmsChannel,
    MessagingService,
    ConfirmationService,
    OptOutsService,
  ],
  exports: [
    ConsentService,
    MessagingService,
    ConfirmationService,
    LinkService,
    ClicksService,
    EmailChannel,
    SmsChannel,
    OptOutsService,
  ],
})
export class MessagingModule {}
