/**
 * The type of an evidence file judged from its first bytes, never from what the uploader
 * claimed: a file that says it is an image but is HTML must not be served as a page. Only the
 * types evidence is expected to be; anything else is `application/octet-stream`.
 */
const SIGNATURES: { mime: string; at: number; bytes: number[] }[] = [
  { mime: 'image/png', at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mime: 'image/jpeg', at: 0, bytes: [0xff, 0xd8, 0xff] },
  { mime: 'image/gif', at: 0, bytes: [0x47, 0x49, 0x46, 0x38, 0x37, 0x61] }, // GIF87a
  { mime: 'image/gif', at: 0, bytes: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61] }, // GIF89a
  { mime: 'application/pdf', at: 0, bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { mime: 'application/zip', at: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
];

function startsWith(content: Uint8Array, at: number, bytes: number[]): boolean {
  if (content.length < at + bytes.length) return false;
  return bytes.every((b, i) => content[at + i] === b);
}

export function sniffType(content: Uint8Array): string {
  for (const s of SIGNATURES) if (startsWith(content, s.at, s.bytes)) return s.mime;
  // WebP: "RIFF" <size> "WEBP"
  if (
    startsWith(content, 0, [0x52, 0x49, 0x46, 0x46]) &&
    startsWith(content, 8, [0x57, 0x45, 0x42, 0x50])
  )
    return 'image/webp';
  return 'application/octet-stream';
}
