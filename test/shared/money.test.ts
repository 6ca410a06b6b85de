import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertFen, feeFen, formatFen, parseYuan, yuanText } from '../../shared/money.ts';
import { DeskError } from '../../shared/errors.ts';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof DeskError ? e.code : 'not a DeskError';
  }
  return 'no error';
};

test('amounts must be safe non-negative integers of fen', () => {
  assert.equal(assertFen(0), 0);
  assert.equal(assertFen(12345), 12345);
  assert.equal(
    code(() => assertFen(1.5)),
    'invalid_amount',
  );
  assert.equal(
    code(() => assertFen(-1)),
    'invalid_amount',
  );
  assert.equal(
    code(() => assertFen(2 ** 53)),
    'invalid_amount',
  );
  assert.equal(
    code(() => assertFen('100')),
    'invalid_amount',
  );
  assert.equal(
    code(() => assertFen(0, 'x', { positive: true })),
    'invalid_amount',
  );
});

test('fees round down so the platform never takes more than its rate', () => {
  assert.equal(feeFen(10_000, 60), 60);
  assert.equal(feeFen(199, 60), 1); // 1.194 fen
  assert.equal(feeFen(10_000_000_000, 10_000), 10_000_000_000);
  assert.equal(
    code(() => feeFen(100, 10_001)),
    'invalid_input',
  );
});

test('fen are written as plain yuan that parse back to the same fen', () => {
  assert.equal(yuanText(160_681), '1606.81');
  assert.equal(yuanText(-160_681), '-1606.81');
  assert.equal(yuanText(5_000), '50.00');
  assert.equal(yuanText(7), '0.07');
  for (const fen of [0, 1, 99, 100, 6_600, 123_456_789])
    assert.equal(parseYuan(yuanText(fen)), fen);
});

test('yuan typed by a person parse to exact fen', () => {
  assert.equal(parseYuan('12.34'), 1234);
  assert.equal(parseYuan('0.1'), 10);
  assert.equal(parseYuan(' 7 '), 700);
  assert.equal(
    code(() => parseYuan('1.234')),
    'invalid_amount',
  );
  assert.equal(
    code(() => parseYuan('-1')),
    'invalid_amount',
  );
});

test('money is formatted per locale', () => {
  assert.equal(formatFen(123456, 'CNY', 'zh-CN'), '¥1,234.56');
  assert.match(formatFen(5, 'CNY', 'en-US'), /0\.05/);
});
