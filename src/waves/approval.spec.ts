import { approvalRefusal, launchRefusal } from './approval.js';

const CREATOR = 'c0000000-0000-4000-8000-000000000001';
const EDITOR = 'c0000000-0000-4000-8000-000000000002';
const STRATEGIST = 'c0000000-0000-4000-8000-000000000003';

describe('the approval of a big wave', () => {
  const draft = { status: 'draft' as const, launchedAt: null, createdBy: CREATOR, editedBy: [EDITOR] };

  it('is given by someone who neither created nor changed the wave, before its ledger is written', () => {
    expect(approvalRefusal({ ...draft, editedBy: [EDITOR] }, STRATEGIST)).toBeNull();
    expect(approvalRefusal({ ...draft, status: 'scheduled' }, STRATEGIST)).toBeNull();
    expect(approvalRefusal({ ...draft, createdBy: null }, CREATOR)).toBeNull();
    expect(approvalRefusal({ ...draft, editedBy: [EDITOR] }, CREATOR)).toMatch(/^You created this wave/);
    expect(approvalRefusal({ ...draft, editedBy: [EDITOR] }, EDITOR)).toMatch(/^You changed this wave/);
    expect(approvalRefusal({ ...draft, status: 'sending', launchedAt: new Date() }, STRATEGIST)).toMatch(
      /^The wave is sending and its ledger is written/,
    );
    expect(approvalRefusal({ ...draft, status: 'cancelled' }, STRATEGIST)).toMatch(/^The wave is cancelled/);
  });

  it('is needed above the threshold only, and its approver may not launch', () => {
    const big = { recipients: 1001, threshold: 1000, approvedBy: null, launcher: CREATOR };
    expect(launchRefusal({ ...big, recipients: 1000 })).toBeNull();
    expect(launchRefusal(big)).toBe(
      'this wave would reach 1001 people, more than APPROVAL_THRESHOLD (1000): a strategist or admin other than ' +
        'its creator must approve it first (POST /waves/:id/approve)',
    );
    expect(launchRefusal({ ...big, approvedBy: STRATEGIST })).toBeNull();
    expect(launchRefusal({ ...big, approvedBy: STRATEGIST, launcher: STRATEGIST })).toBe(
      'this wave would reach 1001 people, more than APPROVAL_THRESHOLD (1000), and you approved it: someone ' +
        'other than its approver must launch it',
    );
    expect(launchRefusal({ ...big, approvedBy: STRATEGIST, launcher: null })).toBeNull();
    expect(launchRefusal({ ...big, launcher: null })).toMatch(/must approve it first/);
  });
});
