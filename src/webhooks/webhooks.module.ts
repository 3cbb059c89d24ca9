import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { InboundSmsService } from './inbound-sms.service.js';
import { TwilioWebhooksController } from './twilio-webhooks.controller.js';

/** What providers call back: inbound SMS keywords and delivery reports. */
@Module({
  imports: [MessagingModule],
  controllers: [TwilioWebhooksController],
  providers: [InboundSmsService],
})
export class WebhooksModule {}
