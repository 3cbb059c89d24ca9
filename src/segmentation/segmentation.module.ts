import { Module } from '@nestjs/common';
import { SegmentationController } from './segmentation.controller.js';
import { SegmentationService } from './segmentation.service.js';

@Module({
  controllers: [SegmentationController],
  providers: [SegmentationService],
  exports: [SegmentationService],
})
export class SegmentationModule {}
