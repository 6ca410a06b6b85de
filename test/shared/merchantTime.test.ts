import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  dayValueIn,
  dayValueStart,
  formatLocalDateTime,
  isTimeZone,
  localDayStart,
  nextLocalDayStart,
} from '../../shared/merchantTime.ts';
import { HOUR_MS } from '../../shared/time.ts';

test('a Shanghai day runs 00:00 to 24:00 Shanghai time, which is 16:00 to 16:00 UTC', () => {
  const at = Date.UTC(2026, 10, 26, 1, 30); // 09:30 in Shanghai
  assert.equal(localDayStart(at, 'Asia/Shanghai'), Date.UTC(2026, 10, 25, 16));
  assert.equal(nextLocalDayStart(at, 'Asia/Shanghai'), Date.UTC(2026, 10, 26, 16));
  // 23:59 UTC is already the next morning in Shanghai.
  assert.equal(
    localDayStart(Date.UTC(2026, 10, 26, 23, 59), 'Asia/Shanghai'),
    Date.UTC(2026, 10, 26, 16),
  );
  assert.equal(formatLocalDateTime(at, 'Asia/Shanghai'), '2026-11-26 09:30:00');
});

test('days across a DST change are 23 and 25 hours long, each starting at local midnight', () => {
  const zone = 'America/New_York';
  const spring = localDayStart(Date.UTC(2026, 2, 8, 12), zone); // 8 March 2026
  assert.equal(nextLocalDayStart(spring, zone) - spring, 23 * HOUR_MS);
  const autumn = localDayStart(Date.UTC(2026, 10, 1, 12), zone); // 1 November 2026
  assert.equal(nextLocalDayStart(autumn, zone) - autumn, 25 * HOUR_MS);
  assert.equal(formatLocalDateTime(autumn, zone), '2026-11-01 00:00:00');
});

test('day field values round-trip through a zone, and unknown zones are refused', () => {
  const start = dayValueStart('2026-11-26', 'Asia/Shanghai');
  assert.equal(start, Date.UTC(2026, 10, 25, 16));
  assert.equal(dayValueIn(start, 'Asia/Shanghai'), '2026-11-26');
  assert.equal(dayValueStart('', 'Asia/Shanghai'), null);
  assert.equal(isTimeZone('Asia/Shanghai'), true);
  assert.equal(isTimeZone('Mars/Olympus'), false);
});
