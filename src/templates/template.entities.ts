import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { TemplateContent } from './default-templates.js';

export type Localized<T> = { de: T; en: T };

/** Which values a template's messages may use: a campaign message has no event; an event reminder has its date and place. */
export const TEMPLATE_CONTEXTS = ['campaign', 'event'] as const;
export type TemplateContext = (typeof TEMPLATE_CONTEXTS)[number];

/** An issue template; every edit raises `version` and keeps the previous state in issue_template_versions. */
@Entity('issue_templates')
@Check('CHK_issue_templates_context', `"context" IN ('campaign', 'event')`)
export class IssueTemplate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { unique: true })
  key: string;

  @Column('jsonb')
  name: Localized<string>;

  @Column('jsonb')
  weights: Record<string, number>;

  @Column('text')
  reasoning: string;

  @Column('jsonb')
  content: Localized<TemplateContent>;

  @Column('text', { default: 'campaign' })
  context: TemplateContext;

  @Column('int', { default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('issue_template_versions')
export class IssueTemplateVersion {
  @PrimaryColumn('uuid', { name: 'template_id' })
  templateId: string;

  @ManyToOne(() => IssueTemplate, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_id' })
  template?: Relation<IssueTemplate>;

  @PrimaryColumn('int')
  version: number;

  /** name, weights, reasoning and content as they were in this version. */
  @Column('jsonb')
  snapshot: Pick<IssueTemplate, 'name' | 'weights' | 'reasoning' | 'content'> & { context?: TemplateContext };

  /** The links it counts clicks on, index → address (`numberLinks`); empty before it was first sent, in versions
   * saved before links were numbered. */
  @Column('jsonb', { nullable: true })
  links: string[] | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
