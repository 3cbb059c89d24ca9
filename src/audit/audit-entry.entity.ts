import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_log')
@Index('IDX_audit_log_entity', ['entityType', 'entityId'])
/** An action or the start of one (`wave.`), newest first: (action text_pattern_ops, at), made by its migration. */
@Index('IDX_audit_log_action', { synchronize: false })
export class AuditEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Index()
  @Column('uuid', { name: 'staff_user_id', nullable: true })
  staffUserId: string | null;

  /** e.g. import.start, staff-user.create, api-key.revoke */
  @Column('text')
  action: string;

  @Column('text', { name: 'entity_type' })
  entityType: string;

  @Column('text', { name: 'entity_id', nullable: true })
  entityId: string | null;

  @Column('jsonb', { default: {} })
  details: Record<string, unknown>;

  @Index()
  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;
}
