/**
 * Which message a provider's report is about. A report names the provider's id for the message and, usually, its
 * recipient. The id alone decides, unless a misbehaving provider gave the same id to several messages: then the
 * recipient breaks the tie. A report that still points at more than one message, or at none, is about no message:
 * it is kept as an anomaly and changes nothing, neither a status nor anyone's consent.
 */

/** A ledger row that carries the report's provider id, with the address it was sent to. */
export interface ReportCandidate {
  id: string;
  address: string | null;
  waveId: string | null;
}

/** Why a report could not be tied to exactly one message. */
export type ReportAnomaly = 'unknown-id' | 'shared-id';

export const ANOMALY_MEANINGS: Record<ReportAnomaly, string> = {
  'unknown-id': 'a provider report named an id that no message of ours carries; it changed nothing',
  'shared-id':
    'a provider report named an id that several messages carry and no single recipient among them; it changed nothing',
};

export type ReportTarget =
  { messageId: string; shared: boolean } | { anomaly: ReportAnomaly; waveId: string | null };

/**
 * The one message a report is about (`recipient` normalised like the ledger's addresses, null when the report names
 * none or names it in a form we cannot read), or why there is none.
 */
export function reportTarget(candidates: ReportCandidate[], recipient: string | null): ReportTarget {
  if (candidates.length === 1) return { messageId: candidates[0].id, shared: false };
  if (candidates.length === 0) return { anomaly: 'unknown-id', waveId: null };
  const matching = recipient === null ? [] : candidates.filter((c) => c.address === recipient);
  if (matching.length === 1) return { messageId: matching[0].id, shared: true };
  const waves = new Set(candidates.map((c) => c.waveId));
  return { anomaly: 'shared-id', waveId: waves.size === 1 ? [...waves][0] : null };
}
