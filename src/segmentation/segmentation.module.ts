import { Module } from '@nestjs/common';
import { SegmentationController } from './segmentation.controller.js';
import { MatchesService } from './matches.service.js';
import { SegmentationService } from './segmentation.service.js';

@Module({
  controllers: [SegmentationController],
  providers: [SegmentationService, MatchesService],
  exports: [SegmentationService],
})
export class SegmentationModule {}
