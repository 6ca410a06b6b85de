/**
 * Turns the bytes of a CSV file into text, whatever wrote it: Excel on a zh-CN Windows saves
 * GBK (GB18030 is its superset, so that is the decoder), others UTF-8 with or without a BOM,
 * some UTF-16 with a BOM. A file that is not text at all (a spreadsheet, an image, an archive)
 * is refused rather than shown as rows of garbage. TextDecoder does the decoding (the browser's
 * and Node's, from ICU); nothing here guesses by character frequency.
 */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'utf-16le' | 'utf-16be';

export class CsvRefusal extends Error {
  readonly code: 'csv_binary_file' | 'csv_too_many_rows' | 'csv_no_rows';
  constructor(code: CsvRefusal['code'], message: string) {
    super(message);
    this.name = 'CsvRefusal';
    this.code = code;
  }
}

/** Signatures of files people pick by mistake: zip (xlsx, docx), PDF, PNG, JPEG, GIF, xls. */
const MAGIC: readonly number[][] = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x25, 0x50, 0x44, 0x46],
  [0x89, 0x50, 0x4e, 0x47],
  [0xff, 0xd8, 0xff],
  [0x47, 0x49, 0x46, 0x38],
  [0xd0, 0xcf, 0x11, 0xe0],
  [0x1f, 0x8b],
];

const startsWith = (bytes: Uint8Array, sig: readonly number[]) =>
  sig.every((b, i) => bytes[i] === b);

/** Control bytes other than tab, LF, CR (and form feed, which some exports leave in). */
function looksBinary(bytes: Uint8Array): boolean {
  if (MAGIC.some((sig) => startsWith(bytes, sig))) return true;
  const sample = bytes.subarray(0, 64 * 1024);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return control > sample.length / 100;
}

export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf]))
    return {
      text: new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes),
      encoding: 'utf-8-bom',
    };
  if (startsWith(bytes, [0xff, 0xfe]))
    return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (startsWith(bytes, [0xfe, 0xff]))
    return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  if (looksBinary(bytes))
    throw new CsvRefusal(
      'csv_binary_file',
      'the file is not text (a spreadsheet, image or archive?)',
    );
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not valid UTF-8: the other encoding Chinese spreadsheets write.
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}
