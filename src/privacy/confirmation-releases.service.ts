import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { StaffPrincipal } from '../common/auth.decorators.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { CHANNELS, type Channel } from '../consent/consent.js';
import { ConfirmationRelease } from '../messaging/confirmation-release.entity.js';
import { ConfirmationService } from '../messaging/confirmation.service.js';
import { bucketSeconds, failuresOf, progressOf, skipsOf, type LedgerGroup } from '../waves/monitor.js';
import type { ConfirmationFilterDto, ReleaseConfirmationsDto } from './privacy.dto.js';

/** Staff's decisions to send double opt-in requests, counted first, audited, and followed like a wave. */
@Injectable()
export class ConfirmationReleasesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly confirmations: ConfirmationService,
  ) {}

  pending(filter: ConfirmationFilterDto) {
    return this.confirmations.pending(filter);
  }

  /**
   * Asks everyone the filter selects who may be asked now. A release that would ask more people than the count the
   * person saw (`expected`) sends nothing: the list grew since it was counted.
   */
  async release(staff: StaffPrincipal, dto: ReleaseConfirmationsDto) {
    const { channels = [...CHANNELS], expected, ...filter } = dto;
    const now = await this.confirmations.pending(filter);
    const total = channels.reduce((sum, c: Channel) => sum + now[c], 0);
    if (total > expected)
      throw new AppError(
        ErrorCode.Conflict,
        `${total} requests would go out now, more than the ${expected} you were shown: count again before sending`,
      );
    const released = await this.confirmations.release(filter, channels, {
      staffId: staff.id,
      source: filter.importJobId ? 'import' : 'contacts',
      importJobId: filter.importJobId,
    });
    await this.audit.record(staff.id, 'confirmations.release', 'confirmation-release', released.id, {
      filter,
      channels,
      queued: released.queued,
    });
    return released;
  }

  /** Staff ask one person again; audited, and shown on the person's timeline as a second request. */
  async askAgain(staff: StaffPrincipal, contactId: string, channel: Channel) {
    const result = await this.confirmations.askAgain(contactId, channel, staff.id);
    if (result.queued)
      await this.audit.record(staff.id, 'confirmations.ask-again', 'contact', contactId, { channel });
    return result;
  }

  /** A release's progress, as a wave's: counts by status, rate, expected end, failures and skips with meanings. */
  async progress(id: string) {
    const release = await this.db.getRepository(ConfirmationRelease).findOneBy({ id });
    if (!release) throw new AppError(ErrorCode.NotFound, 'No release of confirmation requests with this id');
    const now = new Date();
    const groups: LedgerGroup[] = await this.confirmations.progressGroups(
      id,
      bucketSeconds((now.getTime() - release.createdAt.getTime()) / 1000),
    );
    const [creator]: { id: string; name: string }[] = release.createdBy
      ? await this.db.query(`SELECT id, name FROM staff_users WHERE id = $1`, [release.createdBy])
      : [];
    return {
      id,
      source: release.source,
      importJobId: release.importJobId,
      createdBy: creator ?? null,
      secondAsk: release.secondAsk,
      createdAt: release.createdAt,
      ...progressOf(groups, now),
      errors: failuresOf(groups),
      skipped: skipsOf(groups),
    };
  }
}
