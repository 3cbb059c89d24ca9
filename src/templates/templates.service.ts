import { Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { DEFAULT_TEMPLATES, type TemplateContent } from './default-templates.js';
import { publicUrl, Env } from '../config/config.js';
import {
  eventPlaceholdersIn,
  placeholders,
  SAMPLE_EVENT_PLACE,
  SAMPLE_FIRST_NAME,
  sampleOptOutLink,
} from './placeholders.js';
import { numberLinks } from './link-numbers.js';
import { renderMessage } from './render-message.js';
import { FIELDS, LANGUAGES, templateProblems } from './template-check.js';
import { smsSegments } from './sms-segments.js';
import { IssueTemplate, IssueTemplateVersion, type TemplateContext } from './template.entities.js';
import { TemplateUsers } from './template-users.js';
import type {
  CreateTemplateDto,
  PreviewTemplateDto,
  TemplateBodyDto,
  TemplateDraftDto,
} from './templates.dto.js';

/** Adds the default library to an empty table (first start, CLI, tests). */
/**
 * Makes sure the default templates exist: each missing one is added. A default that nobody has edited (still its
 * first version) but uses event placeholders, as the defaults once all did, gets a new version with today's text:
 * its key and the matches approved for it stay.
 */
export async function ensureDefaultTemplates(manager: EntityManager): Promise<void> {
  const templates = manager.getRepository(IssueTemplate);
  const versions = manager.getRepository(IssueTemplateVersion);
  const existing = new Map((await templates.find()).map((t) => [t.key, t]));
  for (const t of DEFAULT_TEMPLATES) {
    const fields = {
      name: t.name,
      weights: t.weights,
      reasoning: t.reasoning,
      context: t.context,
      content: t.content,
    };
    const found = existing.get(t.key);
    if (!found) {
      const saved = await templates.save({ key: t.key, ...fields });
      await versions.save({
        templateId: saved.id,
        version: 1,
        snapshot: fields,
        links: numberLinks(fields.content),
        createdBy: null,
      });
      continue;
    }
    const untouched = found.version === 1;
    if (untouched && eventPlaceholdersIn(found.content).length && !eventPlaceholdersIn(t.content).length) {
      await templates.update(found.id, { ...fields, version: 2 });
      await versions.save({
        templateId: found.id,
        version: 2,
        snapshot: fields,
        links: numberLinks(fields.content),
        createdBy: null,
      });
    }
  }
}

@Injectable()
export class TemplatesService implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly env: Env,
    @Optional() private readonly users?: TemplateUsers,
  ) {}

  onApplicationBootstrap() {
    return ensureDefaultTemplates(this.db.manager);
  }

  async list() {
    const templates = await this.db.getRepository(IssueTemplate).find({ order: { key: 'ASC' } });
    return templates.map(view);
  }

  async get(key: string) {
    return view(await this.find(key));
  }

  /** Every version, newest first, with the name of the person who wrote it (null: a default). */
  async versions(key: string) {
    const template = await this.find(key);
    return this.db.query<(IssueTemplateVersion & { createdByName: string | null })[]>(
      `SELECT v.template_id AS "templateId", v.version, v.snapshot, v.created_by AS "createdBy",
              s.name AS "createdByName", v.created_at AS "createdAt"
       FROM issue_template_versions v LEFT JOIN staff_users s ON s.id = v.created_by
       WHERE v.template_id = $1 ORDER BY v.version DESC`,
      [template.id],
    );
  }

  async create(dto: CreateTemplateDto, staffId: string) {
    const context = dto.context ?? 'campaign';
    await this.check(dto, context);
    if (await this.db.getRepository(IssueTemplate).existsBy({ key: dto.key })) {
      throw new AppError(
        ErrorCode.Conflict,
        `A template with the key ${dto.key} exists; edit it with PUT /templates/${dto.key}`,
      );
    }
    const saved = await this.db.transaction(async (manager) => {
      const template = await manager
        .getRepository(IssueTemplate)
        .save({ ...pick(dto, context), key: dto.key, version: 1 });
      await manager.getRepository(IssueTemplateVersion).save({
        templateId: template.id,
        version: 1,
        snapshot: pick(dto, context),
        links: numberLinks(pick(dto, context).content),
        createdBy: staffId,
      });
      await this.audit.record(staffId, 'template.create', 'template', dto.key, { version: 1 }, manager);
      return template;
    });
    return view(saved);
  }

  /**
   * An edit is a new version. A match keeps the version it approved (a strategist approves the new one on the
   * matches screen); a wave with this template fixed sends the latest, so its revision moves and its approval is
   * withdrawn, in this transaction (`TemplateUsers`).
   */
  async update(key: string, dto: TemplateBodyDto, staffId: string) {
    const found = await this.find(key);
    const context = dto.context ?? found.context;
    await this.check(dto, context);
    await this.db.transaction(async (manager) => {
      // Locked: two edits at once make two versions, one after the other.
      const current = await manager
        .getRepository(IssueTemplate)
        .findOne({ where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
      const version = current!.version + 1;
      await manager.getRepository(IssueTemplate).update(found.id, { ...pick(dto, context), version });
      await manager.getRepository(IssueTemplateVersion).save({
        templateId: found.id,
        version,
        snapshot: pick(dto, context),
        links: numberLinks(pick(dto, context).content),
        createdBy: staffId,
      });
      await this.audit.record(staffId, 'template.update', 'template', key, { version }, manager);
      await this.users?.templatesChanged(
        manager,
        { templateKey: key, because: `template ${key} v${version} saved` },
        staffId,
      );
    });
    return this.get(key);
  }

  private async find(key: string) {
    const template = await this.db.getRepository(IssueTemplate).findOneBy({ key });
    if (!template) throw new AppError(ErrorCode.NotFound, `No template with the key ${key}`);
    return template;
  }

  /** Every problem at once: the words (`templateProblems`), and weights on features or attributes that exist. */
  private async check(dto: TemplateDraftDto, context: TemplateContext) {
    const problems = [...templateProblems(dto, context), ...(await this.weightProblems(dto.weights))];
    if (problems.length) throw new AppError(ErrorCode.BadRequest, problems.join('; '), { problems });
  }

  private async weightProblems(weights: Record<string, unknown> | undefined): Promise<string[]> {
    const entries = Object.entries(weights ?? {});
    if (entries.length === 0) return ['weights are empty'];
    const problems = entries
      .filter(([, w]) => typeof w !== 'number' || !Number.isFinite(w))
      .map(([key]) => `weights.${key} is not a number`);
    // A weight may name a catalogue feature (region runs) or an attribute contacts declared (contact runs).
    const unknown: { key: string }[] = await this.db.query(
      `SELECT u.key FROM unnest($1::text[]) AS u(key)
       WHERE NOT EXISTS (SELECT 1 FROM features f WHERE f.key = u.key)
         AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.attributes ? u.key)`,
      [entries.map(([k]) => k)],
    );
    if (unknown.length)
      problems.push(
        `weights name unknown features or contact attributes: ${unknown.map((u) => u.key).join(', ')}`,
      );
    return problems;
  }

  /**
   * A draft as its messages would read, in both languages, for a made-up person in a real region (and, for an event
   * reminder, a made-up event): with every problem saving it would meet, and the size of each SMS.
   */
  async preview(dto: PreviewTemplateDto) {
    const context = dto.context ?? (dto.key ? await this.contextOf(dto.key) : 'campaign');
    const problems = [...templateProblems(dto, context), ...(await this.weightProblems(dto.weights))];
    const [region] = await this.db.query<{ name: string }[]>(
      `SELECT r.name FROM regions r JOIN region_levels l ON l.current_set_id = r.set_id
       WHERE r.level = 'constituency' ORDER BY r.code LIMIT 1`,
    );
    const inAWeek = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 7 * 86_400_000);
    const rendered = Object.fromEntries(
      LANGUAGES.map((language) => {
        const values = {
          ...placeholders({
            first_name: SAMPLE_FIRST_NAME[language],
            region: region?.name ?? null,
            language,
            ...(context === 'event' && { starts_at: inAWeek, place: SAMPLE_EVENT_PLACE[language] }),
          }),
          opt_out_link: sampleOptOutLink(publicUrl(this.env)),
        };
        const texts = dto.content?.[language] ?? {};
        const text = (field: (typeof FIELDS)[number]) =>
          typeof texts[field] === 'string' ? texts[field] : '';
        const message = renderMessage(
          { subject: text('subject'), html: text('html'), text: text('text'), sms: text('sms') },
          values,
        );
        return [language, { ...message, smsSize: smsSegments(message.sms) }];
      }),
    );
    return { context, problems, rendered };
  }

  private async contextOf(key: string): Promise<TemplateContext> {
    return (await this.db.getRepository(IssueTemplate).findOneBy({ key }))?.context ?? 'campaign';
  }
}

function pick(dto: TemplateBodyDto, context: TemplateContext) {
  return {
    context,
    name: dto.name,
    weights: dto.weights,
    reasoning: dto.reasoning,
    content: { de: dto.content.de, en: dto.content.en } as Record<'de' | 'en', TemplateContent>,
  };
}

/** A template as staff see it, with the SMS size per language. */
function view(t: IssueTemplate) {
  return {
    key: t.key,
    context: t.context,
    version: t.version,
    name: t.name,
    weights: t.weights,
    reasoning: t.reasoning,
    content: t.content,
    sms: Object.fromEntries(LANGUAGES.map((l) => [l, smsSegments(t.content[l].sms)])),
    updatedAt: t.updatedAt,
  };
}
