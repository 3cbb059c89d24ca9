import { FileRejected, guessDelimiter, sniff } from './sniff.js';

describe('sniff', () => {
  it('reads UTF-8 with and without BOM', () => {
    expect(sniff(Buffer.from('\uFEFFa;b\n1;2\n')).encoding).toBe('utf-8');
    expect(sniff(Buffer.from('name,stadt\nJürgen,Köln\n')).encoding).toBe('utf-8');
  });

  it('falls back to Windows-1252 for German Excel files', () => {
    expect(sniff(Buffer.from('name;stadt\nJürgen;Köln\n', 'latin1'))).toEqual({
      encoding: 'windows-1252',
      delimiter: ';',
    });
  });

  it('recognises UTF-16 with BOM', () => {
    expect(sniff(Buffer.from('\uFEFFa\tb\n1\t2\n', 'utf16le'))).toEqual({
      encoding: 'utf-16le',
      delimiter: '\t',
    });
  });

  it.each([
    ['empty', Buffer.alloc(0), /empty/],
    ['only blank lines', Buffer.from('\r\n\n  \n'), /empty/],
    ['binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), /binary/],
    ['xlsx', Buffer.from('PK\u0003\u0004rest'), /Excel workbook/],
  ])('refuses a file that is %s', (_name, bytes, reason) => {
    expect(() => sniff(bytes)).toThrow(FileRejected);
    expect(() => sniff(bytes)).toThrow(reason);
  });
});

describe('guessDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3\n', ','],
    ['a;b;c\n1,5;2,5;3\n', ';'],
    ['# comment, with, commas\nx;y\n1;2\n', ';'],
    ['a\tb\n1\t2\n', '\t'],
  ])('%j → %j', (text, delimiter) => expect(guessDelimiter(text)).toBe(delimiter));
});
