import type { EntityManager } from 'typeorm';

/** What changed about the templates: a template saved as a new version, or the decision of a segment's match. */
export interface TemplateChange {
  templateKey?: string;
  segmentId?: string;
  /** In words, for the audit log of whatever it changes: "template inflation v2 saved". */
  because: string;
}

/**
 * What uses templates and must hear of a change in the same transaction as the change itself: the waves not yet
 * launched, whose revision moves with the template versions they resolve to. Provided by the waves (a layer above);
 * where no waves are loaded, nothing listens.
 */
export abstract class TemplateUsers {
  abstract templatesChanged(m: EntityManager, change: TemplateChange, staffId: string | null): Promise<void>;
}
