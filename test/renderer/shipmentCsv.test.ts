import assert from 'node:assert/strict';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { carrierFromName } from '../../renderer/shipping/carrierNames.ts';
import { decodeCsvBytes } from '../../renderer/shipping/decodeCsvBytes.ts';
import { detectDelimiter, parseShipmentCsv } from '../../renderer/shipping/parseShipmentCsv.ts';
import { readShipmentFile } from '../../renderer/shipping/readShipmentFile.ts';

const HEADER = '订单号,物流公司,运单号';
const BODY = 'T-0006,顺丰速运,SF1234567890123';

test('GBK, GB18030, UTF-8, UTF-8 with BOM and UTF-16 files all read as the same text', () => {
  const text = `${HEADER}\r\n${BODY}\r\n`;
  const cases: Array<[Buffer, string]> = [
    [iconv.encode(text, 'gbk'), 'gb18030'],
    [iconv.encode(`${text}T-0007,顺丰速运,SF1234567890124 𠀋\r\n`, 'gb18030'), 'gb18030'],
    [Buffer.from(text, 'utf8'), 'utf-8'],
    [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), 'utf-8-bom'],
    [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'utf-16le'],
  ];
  for (const [bytes, encoding] of cases) {
    const decoded = decodeCsvBytes(bytes);
    assert.equal(decoded.encoding, encoding);
    assert.ok(decoded.text.replace(/^\uFEFF/, '').startsWith(`${HEADER}\r\n${BODY}`), encoding);
  }
});

test('binary files are refused, not shown as rows of garbage', () => {
  const files = [
    Buffer.from('504b0304140000000800', 'hex'), // xlsx (zip)
    Buffer.from('89504e470d0a1a0a0000', 'hex'), // png
    Buffer.from('%PDF-1.7\n%\xe2\xe3', 'latin1'),
    Buffer.from([0x41, 0x42, 0x00, 0x43, 0x44]), // NUL inside
    Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? 0x01 : 0x41))),
  ];
  for (const bytes of files) {
    const r = readShipmentFile(bytes);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'csv_binary_file');
  }
});

test('carriers are matched by code or by their name in zh-CN, zh-TW and English', () => {
  const names: Array<[string, string | null]> = [
    ['sf', 'sf'],
    ['SF', 'sf'],
    ['顺丰速运', 'sf'],
    ['順豐速運', 'sf'],
    ['SF Express', 'sf'],
    ['顺丰', 'sf'],
    ['ＳＦ　Ｅｘｐｒｅｓｓ', 'sf'],
    ['中通快递', 'zto'],
    ['中通', 'zto'],
    ['ZTO Express', 'zto'],
    ['圓通速遞', 'yto'],
    ['京东物流', 'jd'],
    ['JD Logistics', 'jd'],
    ['中华邮政EMS', null],
    ['EMS', 'ems'],
    ['中国邮政', 'chinapost'],
    ['China Post', 'chinapost'],
    ['Pigeon Post', null],
    ['', null],
  ];
  for (const [name, id] of names) assert.equal(carrierFromName(name), id, name);
});

test('a quoted field may hold line breaks, commas and quotes; lines count as in the file', () => {
  const csv = [
    'order_id,carrier,tracking_no',
    '"T-1",sf,SF1',
    '"T-2 ""gift""",sf,"SF2"',
    '"T-3, part\nof a note",yto,YT3',
    '',
    'T-4,zto,7',
  ].join('\n');
  const rows = parseShipmentCsv(csv).rows;
  assert.deepEqual(
    rows.map((r) => [r.line, r.orderId, r.carrier, r.trackingNo]),
    [
      [2, 'T-1', 'sf', 'SF1'],
      [3, 'T-2 "gift"', 'sf', 'SF2'],
      [4, 'T-3, part\nof a note', 'yto', 'YT3'],
      [7, 'T-4', 'zto', '7'],
    ],
  );
});

test('the delimiter is the one that splits the whole file, not only its first lines', () => {
  // The first lines hold commas inside unquoted notes; the file is semicolon-separated.
  const lines = ['order;carrier;tracking'];
  for (let i = 0; i < 15; i++) lines.push(`T-${i}, gift;sf;SF${i}`);
  for (let i = 15; i < 200; i++) lines.push(`T-${i};sf;SF${i}`);
  assert.equal(detectDelimiter(lines.join('\n')), ';');
  assert.equal(detectDelimiter('a\tb\tc\n1\t2\t3'), '\t');
  const rows = parseShipmentCsv(lines.join('\n')).rows;
  assert.equal(rows.length, 200);
  assert.equal(rows[0]!.orderId, 'T-0, gift');
});

test('a header may put the columns in any order; a row missing a field says so', () => {
  const rows = parseShipmentCsv('运单号,订单号,物流公司\nSF1,T-1,顺丰速运\n,T-2,sf\n').rows;
  assert.deepEqual(
    rows.map((r) => [r.orderId, r.carrier, r.trackingNo, r.incomplete]),
    [
      ['T-1', 'sf', 'SF1', false],
      ['T-2', 'sf', '', true],
    ],
  );
});

test('up to 20,000 rows are read; one more, or none, is refused with its code', () => {
  const rows = (n: number) =>
    Buffer.from(
      [
        'order_id,carrier,tracking_no',
        ...Array.from({ length: n }, (_, i) => `T-${i},sf,SF${i}`),
      ].join('\n'),
    );
  const fine = readShipmentFile(rows(20_000));
  assert.ok(fine.ok && fine.rows.length === 20_000);
  const big = readShipmentFile(rows(20_001));
  assert.equal(!big.ok && big.error.code, 'csv_too_many_rows');
  const none = readShipmentFile(Buffer.from('order_id,carrier,tracking_no\n\n'));
  assert.equal(!none.ok && none.error.code, 'csv_no_rows');
});
