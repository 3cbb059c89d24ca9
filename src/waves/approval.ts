/**
 * The second pair of eyes: a wave that would reach more people than APPROVAL_THRESHOLD is launched only after a
 * strategist or admin who neither created nor changed it has approved it, and not by that approver. Any change to
 * the wave withdraws the approval.
 */
import type { Wave } from './wave.entities.js';

/** Whether a wave of this many recipients needs an approval. */
export const needsApproval = (recipients: number, threshold: number): boolean => recipients > threshold;

/**
 * Why `approver` may not approve the wave, or null when they may. Only a wave whose ledger is not written yet can
 * be approved: a draft, or one scheduled and not started.
 */
export function approvalRefusal(
  wave: Pick<Wave, 'status' | 'launchedAt' | 'createdBy' | 'editedBy'>,
  approver: string,
): string | null {
  if (wave.launchedAt || !['draft', 'scheduled'].includes(wave.status))
    return `The wave is ${wave.status}${wave.launchedAt ? ' and its ledger is written' : ''}: only a draft or a scheduled wave not yet started can be approved`;
  if (wave.createdBy === approver)
    return 'You created this wave: a strategist or admin other than its creator must approve it';
  if (wave.editedBy.includes(approver))
    return 'You changed this wave: a strategist or admin who neither created nor changed it must approve it';
  return null;
}

/** Whether the wave's approval lets `launcher` (null: the command line, where nobody is signed in) launch it. */
export const approvalHolds = (approvedBy: string | null, launcher: string | null): boolean =>
  approvedBy !== null && approvedBy !== launcher;

/** Why the wave may not be launched by `launcher` (null: the command line), or null when it may. */
export function launchRefusal(facts: {
  recipients: number;
  threshold: number;
  approvedBy: string | null;
  launcher: string | null;
}): string | null {
  if (!needsApproval(facts.recipients, facts.threshold) || approvalHolds(facts.approvedBy, facts.launcher))
    return null;
  const size = `this wave would reach ${facts.recipients} people, more than APPROVAL_THRESHOLD (${facts.threshold})`;
  if (facts.approvedBy === null)
    return `${size}: a strategist or admin other than its creator must approve it first (POST /waves/:id/approve)`;
  return `${size}, and you approved it: someone other than its approver must launch it`;
}
