import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUuid, uuidv7, uuidv7Time } from '../../shared/ids.ts';

test('uuidv7 ids are valid, carry their time and sort in creation order', () => {
  const t = Date.UTC(2026, 10, 26, 6, 0, 0);
  const ids = Array.from({ length: 5000 }, () => uuidv7(t));
  for (const id of ids) assert.ok(isUuid(id), id);
  assert.equal(uuidv7Time(ids[0]!), t);
  assert.deepEqual([...ids].sort(), ids, 'ids made within one millisecond stay ordered');
  assert.equal(new Set(ids).size, ids.length);
  const later = uuidv7(t + 1000);
  assert.ok(later > ids[ids.length - 1]!);
});

test('a clock that steps back never makes an id sort before an earlier one', () => {
  const a = uuidv7(Date.UTC(2030, 0, 1));
  const b = uuidv7(Date.UTC(2029, 0, 1));
  assert.ok(b > a);
});
