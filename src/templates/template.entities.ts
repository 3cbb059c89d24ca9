import {
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

/** An issue template; every edit raises `version` and keeps the previous state in issue_template_versions. */
@Entity('issue_templates')
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
  snapshot: Pick<IssueTemplate, 'name' | 'weights' | 'reasoning' | 'content'>;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
