import { campaignCells, withheldGroups, type CampaignCell, type Counts } from './results.js';

const counts = (messages: number, skipped = 0): Counts => ({
  messages,
  handedOver: messages - skipped,
  delivered: messages - skipped,
  bounced: 0,
  softBounces: 0,
  hardBounces: 0,
  failed: 0,
  complaints: 0,
  optOuts: 0,
  skipped,
  pending: 0,
});
const cell = (segmentId: string, template: string, messages: number, skipped = 0): CampaignCell => ({
  segmentId,
  template,
  counts: counts(messages, skipped),
  clickers: 1,
  waveIds: [`w-${template}`],
});

describe('campaignCells', () => {
  const cells = [
    cell('a', 'housing', 40),
    cell('a', 'climate', 3),
    cell('a', 'transit', 2),
    cell('b', 'housing', 12, 9),
    cell('b', 'climate', 20),
  ];

  it('shows every cell to a viewer who may read contacts', () => {
    const shown = campaignCells(cells, true);
    expect(shown).toHaveLength(5);
    expect(shown.every((c) => !c.suppressed && c.merged === null)).toBe(true);
  });

  it.each([
    ['a', 'housing', { merged: null, suppressed: false, messages: 40 }],
    ['a', null, { merged: ['climate', 'transit'], suppressed: false, messages: 5 }],
    ['b', 'climate', { merged: null, suppressed: false, messages: 20 }],
    ['b', null, { merged: ['housing'], suppressed: true, messages: 12 }],
  ])('segment %s, issue %s, for anyone else: %j', (segment, template, expected) => {
    const shown = campaignCells(cells, false);
    const found = shown.find((c) => c.segmentId === segment && c.template === template)!;
    expect({ merged: found.merged, suppressed: found.suppressed, messages: found.counts.messages }).toEqual(
      expected,
    );
  });

  it('merges the waves and clicks of the cells it puts together', () => {
    const merged = campaignCells(cells, false).find((c) => c.segmentId === 'a' && c.template === null)!;
    expect(merged.waveIds.sort()).toEqual(['w-climate', 'w-transit']);
    expect(merged.clickers).toBe(2);
    expect(campaignCells(cells, false)).toHaveLength(4);
  });
});

describe('withheldGroups', () => {
  it.each([
    ['nobody small: nothing withheld', [40, 12, 9], [false, false, false]],
    [
      'one small group: the next smallest with it, so the totals do not give it away',
      [40, 3, 12, 9],
      [false, true, false, true],
    ],
    ['two small groups of 5 together: those two', [40, 2, 3, 9], [false, true, true, false]],
    [
      'two small groups of fewer than 5 together: a third with them',
      [40, 1, 2, 9],
      [false, true, true, true],
    ],
    ['the only group, small: withheld alone', [3], [true]],
  ])('%s', (_, sizes, expected) => {
    expect(
      withheldGroups(
        sizes.map((n) => counts(n)),
        false,
      ),
    ).toEqual(expected);
  });

  it('withholds nothing from a viewer who may read contacts', () => {
    expect(withheldGroups([counts(40), counts(1)], true)).toEqual([false, false]);
  });

  it('counts recipients, not the skipped', () => {
    expect(withheldGroups([counts(40), counts(12, 9), counts(30)], false)).toEqual([false, true, true]);
  });
});
