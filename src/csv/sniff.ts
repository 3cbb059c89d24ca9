import { open } from 'node:fs/promises';

export type Encoding = 'utf-8' | 'windows-1252' | 'utf-16le';
export type Delimiter = ',' | ';' | '\t';

export interface Sniffed {
  encoding: Encoding;
  delimiter: Delimiter;
}

/** A reason to refuse a whole file before any row is read. */
export class FileRejected extends Error {}

const SAMPLE_BYTES = 64 * 1024;

export async function readSample(source: string | Buffer): Promise<Buffer> {
  if (typeof source !== 'string') return source.subarray(0, SAMPLE_BYTES);
  const file = await open(source, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SAMPLE_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    // stream: true so a character cut by the end of the sample is not counted as an error
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides from the first bytes of a file how to read it: refuses empty and binary files, tells UTF-8 (with or
 * without BOM) from UTF-16 and from Windows-1252 (what German Excel writes), and guesses the delimiter.
 */
export function sniff(sample: Buffer, forced?: Encoding): Sniffed {
  if (sample.length === 0) throw new FileRejected('the file is empty');
  if (sample.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    throw new FileRejected('this is a ZIP or Excel workbook, not CSV text: save it as CSV first');
  }
  let encoding: Encoding;
  if (forced) encoding = forced;
  else if (sample[0] === 0xff && sample[1] === 0xfe) encoding = 'utf-16le';
  else if (isValidUtf8(sample)) encoding = 'utf-8';
  else encoding = 'windows-1252';

  if (encoding === 'utf-8' && forced && !isValidUtf8(sample)) {
    throw new FileRejected('the file is not valid UTF-8');
  }
  const text = new TextDecoder(encoding).decode(sample);
  // eslint-disable-next-line no-control-regex
  const controls = text.match(/[\u0000-\u0008\u000e-\u001f]/g)?.length ?? 0;
  if (controls > 0 && controls / text.length > 0.001) {
    throw new FileRejected('the file is binary, not CSV text');
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new FileRejected('the file is empty');
  return { encoding, delimiter: guessDelimiter(text) };
}

/** The candidate that splits the first data-looking lines into the most, and most consistent, fields. */
export function guessDelimiter(text: string): Delimiter {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .slice(0, 20);
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const candidate of [';', ',', '\t'] as const) {
    const counts = lines.map((l) => l.split(candidate).length - 1);
    const modal = mode(counts);
    const score = modal * counts.filter((c) => c === modal).length;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

function mode(values: number[]): number {
  const tally = new Map<number, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [v, c] of tally) if (c > bestCount || (c === bestCount && v > best)) [best, bestCount] = [v, c];
  return best;
}
