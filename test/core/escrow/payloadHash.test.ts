import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, payloadHash } from '../../../electron/core/escrow/payloadHash.ts';

test('canonical JSON sorts keys at every level and keeps array order', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } }),
    '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
  );
});

test('canonical JSON drops undefined members like JSON.stringify and escapes strings', () => {
  assert.equal(canonicalJson({ a: undefined, b: 'q"\n' }), '{"b":"q\\"\\n"}');
  assert.equal(canonicalJson([1, null, 'x']), '[1,null,"x"]');
});

test('payloads that differ only in key order hash the same; any value change hashes differently', () => {
  const a = payloadHash({
    actor: { role: 'buyer', userId: 'b1' },
    command: { type: 'ship', orderId: 'o1' },
  });
  const b = payloadHash({
    command: { orderId: 'o1', type: 'ship' },
    actor: { userId: 'b1', role: 'buyer' },
  });
  const c = payloadHash({
    command: { orderId: 'o2', type: 'ship' },
    actor: { userId: 'b1', role: 'buyer' },
  });
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.match(a, /^[0-9a-f]{64}$/);
});
