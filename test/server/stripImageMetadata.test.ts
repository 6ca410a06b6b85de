import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripImageMetadata } from '../../server/evidence/stripImageMetadata.ts';
import { sniffType } from '../../server/evidence/sniffType.ts';

const seg = (marker: number, body: string) => {
  const b = Buffer.from(body, 'latin1');
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(b.length + 2, 2);
  return Buffer.concat([head, b]);
};
const SCAN = Buffer.concat([
  seg(0xda, '\x01\x01\x00\x00\x3f\x00'),
  Buffer.from([9, 8, 0xff, 0xd9]),
]);

test('JPEG: EXIF, IPTC and comments go; JFIF, the colour profile and the picture stay', () => {
  const jpeg = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, 'JFIF\0'),
    seg(0xe1, 'Exif\0\0GPS 30.27N 120.15E'),
    seg(0xe2, 'ICC_PROFILE\0'),
    seg(0xed, 'Photoshop 3.0 IPTC buyer'),
    seg(0xfe, 'at home'),
    SCAN,
  ]);
  const out = stripImageMetadata(jpeg);
  assert.deepEqual(
    out,
    Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      seg(0xe0, 'JFIF\0'),
      seg(0xe2, 'ICC_PROFILE\0'),
      SCAN,
    ]),
  );
  assert.equal(sniffType(out), 'image/jpeg');
});

test('segments that do not add up leave the file as it was, never half cut', () => {
  const lying = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10]),
    Buffer.from('Exif\0\0GPS 30.27N', 'latin1'),
    SCAN,
  ]);
  assert.deepEqual(stripImageMetadata(lying), lying);
  const cut = Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 1, 2]);
  assert.deepEqual(stripImageMetadata(cut), cut);
});

test('PNG: text, EXIF and time chunks go; the image chunks stay; others pass through', () => {
  const chunk = (type: string, data: string) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type + data, 'latin1'), Buffer.alloc(4)]);
  };
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const keep = [chunk('IHDR', 'x'.repeat(13)), chunk('IDAT', 'pixels'), chunk('IEND', '')];
  const png = Buffer.concat([
    sig,
    keep[0]!,
    chunk('tEXt', 'Author\0buyer'),
    chunk('eXIf', 'GPS'),
    keep[1]!,
    chunk('tIME', '1234567'),
    keep[2]!,
  ]);
  assert.deepEqual(stripImageMetadata(png), Buffer.concat([sig, ...keep]));
  const gif = Buffer.from('GIF89a comment');
  assert.equal(stripImageMetadata(gif), gif);
});
