import { FileRejected } from '../csv/sniff.js';
import { PREVIEW_ROWS, previewImport } from './import-preview.js';

const contacts = (n: number) =>
  'email,first_name,newsletter\n' +
  Array.from({ length: n }, (_, i) => `p${i}@example.org,Name${i},ja`).join('\n') +
  '\n';

describe('previewImport: the beginning of a file as the import reads it', () => {
  it(`shows the first ${PREVIEW_ROWS} rows and says whether more follow`, async () => {
    const many = await previewImport('contacts', Buffer.from(contacts(PREVIEW_ROWS + 5)), false, {});
    expect(many.rows.map((r) => r.line)).toEqual(Array.from({ length: PREVIEW_ROWS }, (_, i) => i + 2));
    expect(many.more).toBe(true);
    const exact = await previewImport('contacts', Buffer.from(contacts(PREVIEW_ROWS)), false, {});
    expect(exact.rows).toHaveLength(PREVIEW_ROWS);
    expect(exact.more).toBe(false);
  });

  it('leaves out the last record of a cut-off beginning, even one cut inside a character', async () => {
    const whole = Buffer.from(
      'email,first_name\na@example.org,Anna\nb@example.org,Björn\nc@example.org,Cäcilie\n',
    );
    const cut = whole.subarray(0, whole.indexOf('Cä') + 2);
    const shown = await previewImport('contacts', cut, true, {});
    expect(shown.rows.map((r) => r.cells.first_name)).toEqual(['Anna', 'Björn']);
    expect(shown.more).toBe(true);
    await expect(previewImport('contacts', cut, false, {})).rejects.toThrow(FileRejected);
  });

  it('names the cells by column, a nameless or repeated one by its position', async () => {
    const shown = await previewImport(
      'contacts',
      Buffer.from('email,,email\na@example.org,x,b@example.org\n'),
      false,
      {},
    );
    expect(shown.rows[0].cells).toEqual({
      email: 'a@example.org',
      'column 2': 'x',
      'email (column 3)': 'b@example.org',
    });
  });

  it('refuses a mapping for a layout read as published, as the import does', async () => {
    await expect(
      previewImport('results', Buffer.from('Wahlart;Wahltag\n'), false, { mapping: { a: 'b' } }),
    ).rejects.toThrow(/read as published/);
  });
});
