import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Something to remind people of: a rally, a canvass, election day. Reminders stop at the cut-off. */
@Entity('campaign_events')
export class CampaignEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('timestamptz', { name: 'starts_at' })
  startsAt: Date;

  @Column('text', { nullable: true })
  place: string | null;

  /** The regions it concerns (and their sub-regions' contacts); empty: everyone. */
  @Column('uuid', { name: 'region_ids', array: true, default: () => "'{}'" })
  regionIds: string[];

  /** No reminder for this event goes out after this moment (e.g. polls closed), whatever the backlog. */
  @Column('timestamptz', { name: 'cutoff_at' })
  cutoffAt: Date;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
