/**
 * An image without the metadata a camera or phone writes beside the picture: EXIF (time,
 * device, GPS position), XMP, IPTC and comments. A buyer's photo of a broken parcel, taken at
 * home, would otherwise tell the seller where the buyer lives. Nothing here is trusted either:
 * a malformed structure ends the walk and the picture data is passed through untouched, so the
 * worst a hostile file can do is keep its own metadata, never make this read out of bounds.
 *
 * JPEG: APP1 (EXIF, XMP), APP13 (Photoshop IPTC) and COM segments are dropped; APP0 (JFIF),
 * APP2 (ICC colour profile) and APP14 (Adobe colour transform) stay, the picture needs them.
 * PNG: tEXt, zTXt, iTXt, eXIf and tIME chunks are dropped. Other types are returned as they are.
 */
export function stripImageMetadata(content: Buffer): Buffer {
  if (content.length > 3 && content[0] === 0xff && content[1] === 0xd8) return stripJpeg(content);
  if (content.subarray(0, 8).equals(PNG_SIGNATURE)) return stripPng(content);
  return content;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_DROP = new Set([0xe1, 0xed, 0xfe]);
const PNG_DROP = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

function stripJpeg(content: Buffer): Buffer {
  const parts: Buffer[] = [content.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= content.length && content[at] === 0xff) {
    const marker = content[at + 1]!;
    // Start of scan: the picture data follows to the end; nothing after it is metadata we drop.
    if (marker === 0xda) {
      parts.push(content.subarray(at));
      return Buffer.concat(parts);
    }
    const length = content.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > content.length) break;
    if (!JPEG_DROP.has(marker)) parts.push(content.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  // Segments that do not add up: what we would cut could be picture, so nothing is cut.
  return content;
}

function stripPng(content: Buffer): Buffer {
  const parts: Buffer[] = [content.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= content.length) {
    const length = content.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > content.length) break;
    const type = content.toString('latin1', at + 4, at + 8);
    if (!PNG_DROP.has(type)) parts.push(content.subarray(at, end));
    at = end;
    if (type === 'IEND') return Buffer.concat(parts);
  }
  return content;
}
