import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { DEFAULT_TEMPLATES, type TemplateContent } from './default-templates.js';
import { checkPlaceholders, eventPlaceholdersIn } from './placeholders.js';
import { smsSegments } from './sms-segments.js';
import { IssueTemplate, IssueTemplateVersion } from './template.entities.js';
import type { CreateTemplateDto, TemplateBodyDto } from './templates.dto.js';

export const LANGUAGES = ['de', 'en'] as const;
const FIELDS = ['subject', 'html', 'text', 'sms'] as const;

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
    const fields = { name: t.name, weights: t.weights, reasoning: t.reasoning, content: t.content };
    const found = existing.get(t.key);
    if (!found) {
      const saved = await templates.save({ key: t.key, ...fields });
      await versions.save({ templateId: saved.id, version: 1, snapshot: fields, createdBy: null });
      continue;
    }
    const untouched = found.version === 1;
    if (untouched && eventPlaceholdersIn(found.content).length && !eventPlaceholdersIn(t.content).length) {
      await templates.update(found.id, { ...fields, version: 2 });
      await versions.save({ templateId: found.id, version: 2, snapshot: fields, createdBy: null });
    }
  }
}

@Injectable()
export class TemplatesService implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
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

  async versions(key: string) {
    const template = await this.find(key);
    return this.db
      .getRepository(IssueTemplateVersion)
      .find({ where: { templateId: template.id }, order: { version: 'DESC' } });
  }

  async create(dto: CreateTemplateDto, staffId: string) {
    await this.check(dto);
    if (await this.db.getRepository(IssueTemplate).existsBy({ key: dto.key })) {
      throw new AppError(
        ErrorCode.Conflict,
        `A template with the key ${dto.key} exists; edit it with PUT /templates/${dto.key}`,
      );
    }
    const saved = await this.db.transaction(async (manager) => {
      const template = await manager
        .getRepository(IssueTemplate)
        .save({ ...pick(dto), key: dto.key, version: 1 });
      await manager
        .getRepository(IssueTemplateVersion)
        .save({ templateId: template.id, version: 1, snapshot: pick(dto), createdBy: staffId });
      return template;
    });
    await this.audit.record(staffId, 'template.create', 'template', dto.key, { version: 1 });
    return view(saved);
  }

  /** An edit is a new version; whatever used the old one keeps its version number. */
  async update(key: string, dto: TemplateBodyDto, staffId: string) {
    await this.check(dto);
    const current = await this.find(key);
    const version = current.version + 1;
    await this.db.transaction(async (manager) => {
      await manager.getRepository(IssueTemplate).update(current.id, { ...pick(dto), version });
      await manager
        .getRepository(IssueTemplateVersion)
        .save({ templateId: current.id, version, snapshot: pick(dto), createdBy: staffId });
    });
    await this.audit.record(staffId, 'template.update', 'template', key, { version });
    return this.get(key);
  }

  private async find(key: string) {
    const template = await this.db.getRepository(IssueTemplate).findOneBy({ key });
    if (!template) throw new AppError(ErrorCode.NotFound, `No template with the key ${key}`);
    return template;
  }

  /** Every problem at once: languages and fields present, placeholders known, weights on known keys. */
  private async check(dto: TemplateBodyDto) {
    const problems: string[] = [];
    for (const language of LANGUAGES) {
      if (typeof dto.name?.[language] !== 'string' || !dto.name[language].trim())
        problems.push(`name.${language} is missing`);
      const content = dto.content?.[language];
      for (const field of FIELDS) {
        const text = content?.[field];
        if (typeof text !== 'string' || !text.trim())
          problems.push(`content.${language}.${field} is missing`);
        else for (const p of checkPlaceholders(text)) problems.push(`content.${language}.${field}: ${p}`);
      }
      if (content?.html && !content.html.includes('{{opt_out_link}}'))
        problems.push(`content.${language}.html needs {{opt_out_link}}`);
      if (content?.text && !content.text.includes('{{opt_out_link}}'))
        problems.push(`content.${language}.text needs {{opt_out_link}}`);
    }
    const extra = Object.keys(dto.content ?? {}).filter((l) => !(LANGUAGES as readonly string[]).includes(l));
    if (extra.length) problems.push(`content has unsupported languages: ${extra.join(', ')}`);
    const weights = Object.entries(dto.weights ?? {});
    if (weights.length === 0) problems.push('weights are empty');
    for (const [key, w] of weights)
      if (typeof w !== 'number' || !Number.isFinite(w)) problems.push(`weights.${key} is not a number`);
    // A weight may name a catalogue feature (region runs) or an attribute contacts declared (contact runs).
    const unknown: { key: string }[] = await this.db.query(
      `SELECT u.key FROM unnest($1::text[]) AS u(key)
       WHERE NOT EXISTS (SELECT 1 FROM features f WHERE f.key = u.key)
         AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.attributes ? u.key)`,
      [weights.map(([k]) => k)],
    );
    if (unknown.length)
      problems.push(
        `weights name unknown features or contact attributes: ${unknown.map((u) => u.key).join(', ')}`,
      );
    if (problems.length) throw new AppError(ErrorCode.BadRequest, problems.join('; '), { problems });
  }
}

function pick(dto: TemplateBodyDto) {
  return {
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
    version: t.version,
    name: t.name,
    weights: t.weights,
    reasoning: t.reasoning,
    content: t.content,
    sms: Object.fromEntries(LANGUAGES.map((l) => [l, smsSegments(t.content[l].sms)])),
    updatedAt: t.updatedAt,
  };
}
