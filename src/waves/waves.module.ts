import { Global, Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { TemplateUsers } from '../templates/template-users.js';
import { Dispatcher } from './dispatcher.js';
import { WavesController } from './waves.controller.js';
import { CampaignResults } from './campaign-results.service.js';
import { WaveMonitor } from './monitor.service.js';
import { WaveResults } from './results.service.js';
import { WaveAudience } from './wave-audience.js';
import { WavePreview } from './wave-preview.js';
import { WaveViews } from './wave-views.js';
import { WavesService } from './waves.service.js';
import { WaveRevisions } from './wave-revisions.js';

/** Global: the templates and the matches, below the waves, reach them through `TemplateUsers`. */
@Global()
@Module({
  imports: [MessagingModule],
  controllers: [WavesController],
  providers: [
    WavesService,
    WaveAudience,
    WaveViews,
    WavePreview,
    WaveMonitor,
    CampaignResults,
    WaveResults,
    Dispatcher,
    WaveRevisions,
    { provide: TemplateUsers, useExisting: WaveRevisions },
  ],
  exports: [WavesService, WaveViews, Dispatcher, TemplateUsers],
})
export class WavesModule {}
