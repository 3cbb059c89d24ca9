import { EXCLUSIONS, meaningOf, QUIET_HOURS, REFUSALS, refusalSql, SEND_RULES } from './send-rules.js';

const facts = {
  status: 's',
  hasAddress: 'a',
  suppressed: 'x',
  capped: 'c',
  duplicate: 'd',
  noClearMatch: 'u',
  templateKey: 't',
};

describe('the rulebook', () => {
  it('lists every reason once, each with a meaning in words', () => {
    expect(new Set(REFUSALS).size).toBe(SEND_RULES.length);
    for (const rule of SEND_RULES) expect(rule.meaning.length).toBeGreaterThan(10);
    expect(meaningOf('quiet-hours')).toBe(QUIET_HOURS.meaning);
  });

  it('gives the preview its steps in the order the rules apply', () => {
    expect(EXCLUSIONS).toEqual([
      'no-consent',
      'requested',
      'withdrawn',
      'no-address',
      'suppressed',
      'frequency-cap',
      'duplicate-address',
      'no-clear-match',
      'no-template',
    ]);
  });

  it('judges only the rules whose facts a stage has, in order', () => {
    const arms = (sql: string) => [...sql.matchAll(/THEN '([a-z-]+)'/g)].map((m) => m[1]);
    expect(arms(refusalSql(facts, 'campaign'))).toEqual(EXCLUSIONS);
    expect(
      arms(
        refusalSql(
          { hasAddress: 'a', suppressed: 'x', requested: 'r', confirmationSent: 'y' },
          'confirmation',
        ),
      ),
    ).toEqual(['not-requested', 'no-address', 'suppressed', 'confirmation-already-sent']);
    const both = refusalSql(
      {
        kind: 'k',
        contact: 'i',
        cutoff: 'o',
        status: 's',
        requested: 'r',
        hasAddress: 'a',
        suppressed: 'x',
        capped: 'c',
      },
      'any',
    );
    expect(arms(both)).toEqual([
      'cut-off',
      'erased',
      'no-consent',
      'requested',
      'withdrawn',
      'not-requested',
      'no-address',
      'suppressed',
      'frequency-cap',
    ]);
    expect(both).toContain(`WHEN k = 'confirmation' AND r IS NULL THEN 'not-requested'`);
    expect(both).toContain(`WHEN NOT a THEN 'no-address'`);
  });
});
