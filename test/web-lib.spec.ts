import { dayText, formats, parseDay } from '../web/src/lib/format.js';
import { poll } from '../web/src/lib/poll.js';

describe('the web kit: dates and numbers in the user locale', () => {
  it('writes dates, times and numbers as German and British readers do', () => {
    const when = new Date(2026, 11, 7, 16, 14);
    const de = formats('de');
    const en = formats('en');
    expect(de.date(when)).toBe('07.12.2026');
    expect(en.date(when)).toBe('7 Dec 2026');
    expect(de.time(when)).toBe('16:14');
    expect(de.number(12345.678, 1)).toBe('12.345,7');
    expect(en.number(12345.678, 1)).toBe('12,345.7');
    expect(de.percent(0.425)).toBe('42,5\u00a0%');
    expect(de.money(12.4, 'EUR')).toBe('12,40\u00a0€');
  });

  it('sorts text as the locale does: umlauts with their letter, 2 before 10', () => {
    const de = formats('de');
    expect(['Zeitz', 'Ärzte', 'Bonn'].sort(de.compare)).toEqual(['Ärzte', 'Bonn', 'Zeitz']);
    expect(['Wahlkreis 10', 'Wahlkreis 2'].sort(de.compare)).toEqual(['Wahlkreis 2', 'Wahlkreis 10']);
  });

  it('reads a typed day in day-month-year order, and refuses what is no day', () => {
    expect(parseDay('7.12.2026')).toBe('2026-12-07');
    expect(parseDay('07/12/26')).toBe('2026-12-07');
    expect(parseDay('2026-12-07')).toBe('2026-12-07');
    expect(parseDay('')).toBe('');
    expect(parseDay('31.02.2026')).toBeNull();
    expect(parseDay('12/31/2026')).toBeNull();
    expect(parseDay('morgen')).toBeNull();
    expect(dayText('2026-12-07', 'de')).toBe('07.12.2026');
    expect(dayText('2026-12-07', 'en')).toBe('07/12/2026');
  });
});

describe('the web kit: polling', () => {
  it('runs again while the step asks to, and never after it is stopped', async () => {
    let runs = 0;
    const stop = poll(() => Promise.resolve(++runs < 3), 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toBe(3);

    let after = 0;
    const stopSoon = poll(() => Promise.resolve(++after > 0), 20);
    stopSoon();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(after).toBe(1);
    stop();
  });
});
