import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { messageLanguage } from '../common/languages.js';
import { Env, publicUrl } from '../config/config.js';
import { EXCLUSIONS, meaningOf, QUIET_HOURS } from '../consent/send-rules.js';
import { smsSegments } from '../templates/sms-segments.js';
import { refOf, renderSample, templateContents } from '../templates/template-content.js';
import { needsApproval } from './approval.js';
import type { Wave } from './wave.entities.js';
import { finalOf, WaveAudience } from './wave-audience.js';
import { WaveViews } from './wave-views.js';

const SAMPLE_TEXT_LIMIT = 4000;

/** Why a placeholder can come out empty in a sample. */
const EMPTY_BECAUSE: Record<string, string> = {
  region_name: 'the contact has no region',
  event_date: 'the wave has no event',
  event_place: 'the event has no place',
  first_name: 'no first name',
  opt_out_link: 'no link',
};

/** A wave's dry run, as its approver sees it. */
@Injectable()
export class WavePreview {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
    private readonly audience: WaveAudience,
    private readonly views: WaveViews,
  ) {}

  /** The dry run: who would get what, and why the others would not. Writes nothing. */
  async preview(id: string) {
    const wave = await this.views.find(id);
    const groups = await this.db.transaction(async (m) => {
      const judged = await this.audience.judge(wave, m);
      await this.audience.recordJudged(m, wave, finalOf(judged));
      return judged;
    });
    const audience = groups.reduce((s, g) => s + g.n, 0);
    let remaining = audience;
    const steps = EXCLUSIONS.map((reason) => {
      const excluded = groups.filter((g) => g.excluded === reason).reduce((s, g) => s + g.n, 0);
      remaining -= excluded;
      return { reason, meaning: meaningOf(reason), excluded, remaining };
    });
    const deferred = groups.reduce((s, g) => s + (g.deferred ?? 0), 0);
    const until = groups
      .map((g) => g.deferred_until)
      .filter((d): d is Date => d !== null)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    const sending = groups.filter((g) => g.excluded === null);
    const labels = await this.views.segmentLabels(
      sending.map((g) => g.segment_id).filter((s): s is string => !!s),
    );
    // With nobody to send to, the samples are still shown: rendered for a made-up contact.
    const sampled = sending.length ? sending : await this.madeUpGroups(wave);
    const contents = await templateContents(this.db.manager, sampled);
    const samples = [];
    const sampleWarnings: string[] = [];
    let smsSegmentsTotal = 0;
    const seen = new Set<string>();
    for (const g of sampled) {
      const content = contents.get(refOf(g))!;
      const language = g.language as 'de' | 'en';
      const { rendered, empty } = await renderSample(
        this.db.manager,
        content[language],
        { contactId: g.sample, language: g.language, channel: wave.channel, eventId: wave.eventId },
        publicUrl(this.env),
      );
      const size = smsSegments(rendered.sms);
      smsSegmentsTotal += size.segments * g.n;
      const key = `${g.template_key}@${g.template_version}/${g.language}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const name of empty)
        sampleWarnings.push(
          `${g.template_key} (${g.language}): {{${name}}} is empty in this sample (${EMPTY_BECAUSE[name]})`,
        );
      samples.push({
        template: g.template_key,
        templateVersion: g.template_version,
        language: g.language,
        madeUp: g.sample === null,
        emptyPlaceholders: empty,
        ...(wave.channel === 'email'
          ? {
              subject: rendered.subject,
              text: rendered.text,
              html: rendered.html.slice(0, SAMPLE_TEXT_LIMIT),
            }
          : { sms: rendered.sms, encoding: size.encoding, segments: size.segments }),
      });
    }
    const final = finalOf(groups);
    const rate = wave.channel === 'email' ? this.env.EMAIL_PER_SECOND : this.env.SMS_PER_SECOND;
    const { approval, templates } = (await this.views.of([wave]))[0];
    const latest = new Map(templates.map((t) => [t.template, t.latestVersion]));
    return {
      wave: {
        id: wave.id,
        name: wave.name,
        channel: wave.channel,
        purpose: wave.purpose,
        status: wave.status,
      },
      // What an approval of this preview approves.
      revision: wave.revision,
      templates,
      audience,
      steps,
      final,
      // Part of `final`: they go out when quiet hours end in the contact's zone.
      deferred: { ...QUIET_HOURS, count: deferred, until: until ?? null },
      approval: {
        threshold: this.env.APPROVAL_THRESHOLD,
        required: needsApproval(final, this.env.APPROVAL_THRESHOLD),
        by: approval?.by ?? null,
        byName: approval?.byName ?? null,
        at: approval?.at ?? null,
        revision: approval?.revision ?? null,
        final: approval?.final ?? null,
        tolerance: this.env.APPROVAL_TOLERANCE,
      },
      groups: sending.map((g) => ({
        segmentId: g.segment_id,
        segment: g.segment_id ? (labels.get(g.segment_id) ?? null) : null,
        template: g.template_key,
        templateVersion: g.template_version,
        latestVersion: latest.get(g.template_key) ?? g.template_version,
        takesLatest: wave.templateStrategy === 'fixed',
        language: g.language,
        count: g.n,
      })),
      samples,
      warnings: sampleWarnings,
      ...(wave.channel === 'sms' && {
        sms: {
          segments: smsSegmentsTotal,
          pricePerSegment: this.env.SMS_PRICE_PER_SEGMENT,
          estimatedCost: Math.round(smsSegmentsTotal * this.env.SMS_PRICE_PER_SEGMENT * 100) / 100,
        },
      }),
      ratePerSecond: rate || null,
      expectedDurationSeconds: rate ? Math.ceil(final / rate) : null,
    };
  }

  /** The template and language groups a wave would send, for samples when its audience is empty. */
  private async madeUpGroups(wave: Wave) {
    const templates: { template_key: string; template_version: number }[] =
      wave.templateStrategy === 'fixed'
        ? await this.db.query(
            `SELECT key AS template_key, version AS template_version FROM issue_templates WHERE key = $1`,
            [wave.templateKey],
          )
        : await this.db.query(
            `SELECT DISTINCT template_key, template_version FROM segment_matches WHERE segment_id = ANY($1)`,
            [wave.audience.segmentIds ?? []],
          );
    const languages = wave.audience.languages?.length ? wave.audience.languages : ['de'];
    return templates.flatMap((t) =>
      languages.map((language) => ({ ...t, language: messageLanguage(language), n: 0, sample: null })),
    );
  }
}
