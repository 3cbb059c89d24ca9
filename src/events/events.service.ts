import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { Wave } from '../waves/wave.entities.js';
import { WaveViews } from '../waves/wave-views.js';
import { WavesService } from '../waves/waves.service.js';
import { CampaignEvent } from './event.entity.js';
import type { CreateEventDto } from './events.dto.js';

function formatOffset(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d before`;
  if (minutes % 60 === 0) return `${minutes / 60} h before`;
  return `${minutes} min before`;
}

/** Events to remind people of, each with its reminder waves. */
@Injectable()
export class EventsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly waves: WavesService,
    private readonly views: WaveViews,
  ) {}

  /**
   * An event, with reminder waves at offsets before it, scheduled at once; a reminder that would reach more than
   * APPROVAL_THRESHOLD people stays a draft until it is approved and launched.
   */
  async create(dto: CreateEventDto, staffId: string) {
    const cutoffAt = dto.cutoffAt ?? dto.startsAt;
    const event = await this.db.getRepository(CampaignEvent).save(
      this.db.getRepository(CampaignEvent).create({
        name: dto.name,
        startsAt: dto.startsAt,
        place: dto.place ?? null,
        regionIds: dto.regionIds ?? [],
        cutoffAt,
        createdBy: staffId,
      }),
    );
    await this.audit.record(staffId, 'event.create', 'event', event.id, { name: event.name });
    for (const r of dto.reminders ?? []) {
      const wave = await this.waves.create(
        {
          name: `${event.name} – ${formatOffset(r.offsetMinutes)}`,
          channel: r.channel,
          purpose: r.purpose ?? 'event-reminders',
          audience: {},
          templateStrategy: 'fixed',
          templateKey: r.templateKey,
          scheduledAt: new Date(event.startsAt.getTime() - r.offsetMinutes * 60_000),
        },
        staffId,
        event,
        r.offsetMinutes,
      );
      await this.waves.tryLaunch(wave.id, staffId);
    }
    return this.get(event.id);
  }

  async get(id: string) {
    const event = await this.db.getRepository(CampaignEvent).findOneBy({ id });
    if (!event) throw new AppError(ErrorCode.NotFound, 'No event with this id');
    const waves = await this.db
      .getRepository(Wave)
      .find({ where: { eventId: id }, order: { scheduledAt: 'ASC' } });
    return { ...event, reminders: await this.views.of(waves) };
  }

  list() {
    return this.db.getRepository(CampaignEvent).find({ order: { startsAt: 'ASC' } });
  }
}
