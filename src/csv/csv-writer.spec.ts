import { csvCell, toCsv } from './csv-writer.js';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded ', '" padded "'],
    ['', ''],
  ])('writes the text %j as %j', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it.each([
    [-3, '-3'],
    [0.075, '0.075'],
    [true, 'true'],
    [null, ''],
  ])('writes %j as %j, not as text', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });
});

describe('toCsv', () => {
  it('writes a header and rows with CRLF line ends', () => {
    expect(toCsv(['a', 'b'], [['=1', 2]])).toBe("a,b\r\n'=1,2\r\n");
  });
});
