import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { InboundSmsService } from './inbound-sms.service.js';
import { ProviderWebhooksController } from './provider-webhooks.controller.js';

/** What providers call back: inbound SMS keywords and delivery reports. */
@Module({
  imports: [MessagingModule],
  controllers: [ProviderWebhooksController],
  providers: [InboundSmsService],
})
export class WebhooksModule {}
