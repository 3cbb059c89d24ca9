/**
 * The second pair of eyes: a wave that would reach more people than APPROVAL_THRESHOLD is launched only after a
 * strategist or admin who neither created nor changed it has approved it, and not by that approver. An approval is
 * of the revision its approver saw and of the count the preview showed them: a new revision withdraws it, and an
 * audience grown by more than APPROVAL_TOLERANCE needs a new one.
 */
import type { ResolvedTemplate, Wave } from './wave.entities.js';

/** A count as the API's messages write it, for people to read: 1,000. */
const count = (n: number) => n.toLocaleString('en-GB');

/** A status as a sentence about a wave says it: "The wave is <…>". */
export const STATUS_WORDS: Record<string, string> = {
  draft: 'a draft',
  scheduled: 'scheduled',
  'needs-approval': 'waiting for a new approval',
  sending: 'sending',
  paused: 'paused',
  completed: 'completed',
  cancelled: 'cancelled',
};

/** Whether a wave of this many recipients needs an approval. */
export const needsApproval = (recipients: number, threshold: number): boolean => recipients > threshold;

/** The statuses in which a wave's ledger is not written yet, so that it may be approved. */
export const APPROVABLE = ['draft', 'scheduled', 'needs-approval'];

/**
 * Why `approver` may not approve the wave, or null when they may. Only a wave whose ledger is not written yet can
 * be approved: a draft, or one scheduled (or waiting for an approval) and not started.
 */
export function approvalRefusal(
  wave: Pick<Wave, 'status' | 'launchedAt' | 'createdBy' | 'editedBy'>,
  approver: string,
): string | null {
  if (wave.launchedAt || !APPROVABLE.includes(wave.status))
    return `The wave is ${STATUS_WORDS[wave.status] ?? wave.status}${wave.launchedAt ? ' and has already started' : ''}: only a draft or a scheduled wave not yet started can be approved`;
  if (wave.createdBy === approver)
    return 'You created this wave: a strategist or admin other than its creator must approve it';
  if (wave.editedBy.includes(approver))
    return 'You changed this wave: a strategist or admin who neither created nor changed it must approve it';
  return null;
}

/**
 * The waves that wait for `$1` (a strategist or admin) to approve them, as `approvalRefusal` and `launchRefusal` judge:
 * not started, neither created nor changed by them, and either waiting for a new approval or counted (by their latest
 * preview or launch attempt, for the revision they are at now) above the threshold `$2` with no approval of that
 * revision.
 */
export const AWAITING_APPROVAL_SQL = `SELECT id FROM waves
  WHERE launched_at IS NULL AND status IN ('draft', 'scheduled', 'needs-approval')
    AND created_by IS DISTINCT FROM $1 AND NOT ($1 = ANY(edited_by))
    AND (status = 'needs-approval'
      OR (judged_revision = revision AND judged_final > $2 AND approved_revision IS DISTINCT FROM revision))
  ORDER BY created_at DESC`;

/** Whether the wave's approval lets `launcher` (null: a wave starting at its scheduled time) launch it. */
export const approvalHolds = (approvedBy: string | null, launcher: string | null): boolean =>
  approvedBy !== null && approvedBy !== launcher;

/** The most people an approval of `final` covers: APPROVAL_TOLERANCE per cent more. */
export const approvedUpTo = (final: number, tolerancePercent: number): number =>
  Math.floor(final * (1 + tolerancePercent / 100) + 1e-9);

/** Why the wave may not be launched by `launcher` (null: at its scheduled time), or null when it may. */
export function launchRefusal(facts: {
  recipients: number;
  threshold: number;
  approvedBy: string | null;
  launcher: string | null;
  /** The wave's revision now, and the one approved (null: approved before approvals recorded it). */
  revision?: number;
  approvedRevision?: number | null;
  /** The preview's final count the approver saw (null: not recorded), and APPROVAL_TOLERANCE in per cent. */
  approvedFinal?: number | null;
  tolerance?: number;
}): string | null {
  if (!needsApproval(facts.recipients, facts.threshold)) return null;
  // Staff read these words on the wave's page: no setting names, no routes.
  const size = `this wave would reach ${count(facts.recipients)} people, and more than ${count(facts.threshold)} recipients need a second person's approval`;
  if (facts.approvedBy === null)
    return `${size}: a strategist or admin other than its creator must approve it first`;
  if (facts.revision !== undefined && facts.approvedRevision !== facts.revision)
    return (
      `${size}, and it changed after its approval (revision ${facts.approvedRevision ?? 'unknown'} was approved, ` +
      `it is now at ${facts.revision}): it needs a new approval`
    );
  if (facts.tolerance !== undefined) {
    if (facts.approvedFinal === null || facts.approvedFinal === undefined)
      return `${size}, and its approval does not record how many people its approver saw: it needs a new approval`;
    if (facts.recipients > approvedUpTo(facts.approvedFinal, facts.tolerance))
      return (
        `this wave would now reach ${count(facts.recipients)} people, more than the ${count(facts.approvedFinal)} ` +
        `approved and its ${facts.tolerance} % margin: it needs a new approval`
      );
  }
  if (!approvalHolds(facts.approvedBy, facts.launcher))
    return `${size}, and you approved it: someone other than its approver must launch it`;
  return null;
}

const ref = (t: ResolvedTemplate) => (t.template ? `${t.template} v${t.version}` : 'no template');

/**
 * What moved between two resolutions of a wave's templates, in words: one line per segment (or, for a fixed
 * template, for everyone) whose template, version or hand choice changed.
 */
export function templateChanges(
  before: ResolvedTemplate[],
  after: ResolvedTemplate[],
  segmentName: (id: string) => string,
): string[] {
  const key = (t: ResolvedTemplate) => t.segmentId ?? '';
  const old = new Map(before.map((t) => [key(t), t]));
  const lines: string[] = [];
  for (const now of after) {
    const was = old.get(key(now));
    const who = now.segmentId ? `segment ${segmentName(now.segmentId)}` : 'everyone';
    if (!was) lines.push(`${who}: ${ref(now)}`);
    else if (was.template !== now.template || was.version !== now.version)
      lines.push(`${who}: ${ref(was)} → ${ref(now)}`);
    else if (was.handChoice !== now.handChoice)
      lines.push(
        `${who}: ${now.handChoice ? 'now waits for a template chosen by hand (skipped)' : 'no longer waits for a template chosen by hand'}`,
      );
    old.delete(key(now));
  }
  for (const gone of old.values())
    lines.push(`${gone.segmentId ? `segment ${segmentName(gone.segmentId)}` : 'everyone'}: no longer sent`);
  return lines;
}
