import { Module } from '@nestjs/common';
import { RegionsController } from './regions.controller.js';
import { RegionsService } from './regions.service.js';
import { SetValuesController, SetValuesService } from './set-values.js';

@Module({
  controllers: [RegionsController, SetValuesController],
  providers: [RegionsService, SetValuesService],
})
export class RegionsModule {}
