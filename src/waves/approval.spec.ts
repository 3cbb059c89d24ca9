import { approvalRefusal, approvedUpTo, launchRefusal, templateChanges } from './approval.js';

const CREATOR = 'c0000000-0000-4000-8000-000000000001';
const EDITOR = 'c0000000-0000-4000-8000-000000000002';
const STRATEGIST = 'c0000000-0000-4000-8000-000000000003';

describe('the approval of a big wave', () => {
  const draft = { status: 'draft' as const, launchedAt: null, createdBy: CREATOR, editedBy: [EDITOR] };

  it('is given by someone who neither created nor changed the wave, before its ledger is written', () => {
    expect(approvalRefusal({ ...draft, editedBy: [EDITOR] }, STRATEGIST)).toBeNull();
    expect(approvalRefusal({ ...draft, status: 'scheduled' }, STRATEGIST)).toBeNull();
    expect(approvalRefusal({ ...draft, status: 'needs-approval' }, STRATEGIST)).toBeNull();
    expect(approvalRefusal({ ...draft, createdBy: null }, CREATOR)).toBeNull();
    expect(approvalRefusal({ ...draft, editedBy: [EDITOR] }, CREATOR)).toMatch(/^You created this wave/);
    expect(approvalRefusal({ ...draft, editedBy: [EDITOR] }, EDITOR)).toMatch(/^You changed this wave/);
    expect(approvalRefusal({ ...draft, status: 'sending', launchedAt: new Date() }, STRATEGIST)).toMatch(
      /^The wave is sending and has already started/,
    );
    expect(approvalRefusal({ ...draft, status: 'cancelled' }, STRATEGIST)).toMatch(/^The wave is cancelled/);
  });

  it('is needed above the threshold only, and its approver may not launch', () => {
    const big = { recipients: 1001, threshold: 1000, approvedBy: null, launcher: CREATOR };
    expect(launchRefusal({ ...big, recipients: 1000 })).toBeNull();
    expect(launchRefusal(big)).toBe(
      "this wave would reach 1,001 people, and more than 1,000 recipients need a second person's approval: a " +
        'strategist or admin other than its creator must approve it first',
    );
    expect(launchRefusal({ ...big, approvedBy: STRATEGIST })).toBeNull();
    expect(launchRefusal({ ...big, approvedBy: STRATEGIST, launcher: STRATEGIST })).toBe(
      "this wave would reach 1,001 people, and more than 1,000 recipients need a second person's approval, and " +
        'you approved it: someone other than its approver must launch it',
    );
    expect(launchRefusal({ ...big, approvedBy: STRATEGIST, launcher: null })).toBeNull();
    expect(launchRefusal({ ...big, launcher: null })).toMatch(/must approve it first/);
  });

  it('holds for the revision approved, and for up to APPROVAL_TOLERANCE more people than its approver saw', () => {
    const approved = {
      recipients: 110,
      threshold: 5,
      approvedBy: STRATEGIST,
      launcher: CREATOR,
      revision: 3,
      approvedRevision: 3,
      approvedFinal: 100,
      tolerance: 10,
    };
    expect(launchRefusal(approved)).toBeNull();
    expect(launchRefusal({ ...approved, recipients: 50 })).toBeNull();
    expect(launchRefusal({ ...approved, recipients: 111 })).toBe(
      'this wave would now reach 111 people, more than the 100 approved and its 10 % margin: it needs a new approval',
    );
    expect(launchRefusal({ ...approved, revision: 4 })).toBe(
      "this wave would reach 110 people, and more than 5 recipients need a second person's approval, and it " +
        'changed after its approval (revision 3 was approved, it is now at 4): it needs a new approval',
    );
    expect(launchRefusal({ ...approved, approvedFinal: null })).toMatch(/does not record how many people/);
    // Below the threshold nothing is needed, whatever the approval.
    expect(launchRefusal({ ...approved, recipients: 5, revision: 4 })).toBeNull();
    expect(launchRefusal({ ...approved, launcher: STRATEGIST })).toMatch(/and you approved it/);
    expect([approvedUpTo(100, 10), approvedUpTo(24, 10), approvedUpTo(8, 0), approvedUpTo(3, 50)]).toEqual([
      110, 26, 8, 4,
    ]);
  });

  it('names what moved between two resolutions of a wave’s templates', () => {
    const t = (
      segmentId: string | null,
      template: string | null,
      version: number | null,
      handChoice = false,
    ) => ({
      segmentId,
      template,
      version,
      handChoice,
    });
    const name = (id: string) => `'${id.toUpperCase()}'`;
    expect(templateChanges([t(null, 'peace', 1)], [t(null, 'peace', 2)], name)).toEqual([
      'everyone: peace v1 → peace v2',
    ]);
    expect(
      templateChanges(
        [t('a', 'rent', 1), t('b', 'jobs', 2), t('c', 'rent', 1)],
        [t('a', 'rent', 1), t('b', 'jobs', 2, true), t('c', 'climate', 1)],
        name,
      ),
    ).toEqual([
      "segment 'B': now waits for a template chosen by hand (skipped)",
      "segment 'C': rent v1 → climate v1",
    ]);
    expect(templateChanges([t('a', 'rent', 1)], [t('a', null, null)], name)).toEqual([
      "segment 'A': rent v1 → no template",
    ]);
    expect(templateChanges([t('a', 'rent', 1)], [t('a', 'rent', 1)], name)).toEqual([]);
  });
});
