import { searchConditions } from './contact-search.js';

const search = (q: string) => {
  const params: unknown[] = [];
  return { conditions: searchConditions(q, 'DE', params), params };
};

describe('searchConditions: what a contact search looks for', () => {
  it('finds a phone number however it is written, as the import reads it, or what its words find', () => {
    for (const q of ['0151 23456789', '+49 151 2345 6789', '0049 (151) 234-567-89']) {
      const { conditions, params } = search(q);
      expect(conditions).toHaveLength(1);
      expect(conditions[0]).toMatch(/^\(c\.phone = \$(\d+) OR \(/);
      expect(params[Number(/\$(\d+)/.exec(conditions[0])![1]) - 1]).toBe('+4915123456789');
    }
  });

  it('looks for every word in the names, or at the start of the email or the postal code', () => {
    const { conditions, params } = search('  Meyer   249 ');
    expect(conditions).toHaveLength(2);
    expect(conditions[0]).toMatch(
      /LIKE search_fold\(\$1\) OR search_fold\(c\.email\) LIKE search_fold\(\$2\)\s+OR c\.postal_code LIKE upper\(\$2\)/,
    );
    expect(params).toEqual(['%Meyer%', 'Meyer%', '%249%', '249%']);
  });

  it('reads digits as words too, so that a postal code is found even where it could be a number', () => {
    expect(search('24937').params).toEqual(expect.arrayContaining(['%24937%', '24937%']));
    expect(search('01067').params).toEqual(expect.arrayContaining(['%01067%', '01067%']));
  });

  it('takes LIKE’s wildcards literally', () => {
    expect(search('100%_sure\\').params).toEqual(['%100\\%\\_sure\\\\%', '100\\%\\_sure\\\\%']);
  });
});
