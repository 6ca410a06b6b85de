import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asciiJson } from '../../server/sync/asciiJson.ts';

const isAscii = (text: string) => !/[\u0080-\uffff]/.test(text);

test('non-ASCII becomes \\u escapes and parses back to the same value', () => {
  const value = {
    name: '王小明',
    title: '龙井茶 🍵 250 g',
    detail: '文一西路 969 号',
    lineSeparators: '\u2028\u2029',
    latin: 'café ÿ',
    nested: [{ k: '台北市' }, 'ascii only', 1.5, null],
  };
  const text = asciiJson(JSON.stringify(value));
  assert.ok(isAscii(text));
  assert.match(text, /"name":"\\u738b\\u5c0f\\u660e"/);
  assert.match(text, /\\ud83c\\udf75/, 'a character beyond the BMP is its surrogate pair');
  assert.deepEqual(JSON.parse(text), value);
});

test('ASCII text comes back unchanged', () => {
  const text = JSON.stringify({ a: 'plain', escaped: '\u0001"\\', n: [1, 2] });
  assert.equal(asciiJson(text), text);
});

test('random strings of any code units survive the round trip (fixed seed)', () => {
  let seed = 0x2005;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let n = 0; n < 2000; n++) {
    let s = '';
    const length = next() % 12;
    for (let i = 0; i < length; i++) {
      const pick = next() % 4;
      s += String.fromCharCode(
        pick === 0 ? next() % 0x80 : pick === 1 ? 0x80 + (next() % 0x780) : next() % 0x10000,
      );
    }
    const text = asciiJson(JSON.stringify({ s }));
    assert.ok(isAscii(text), JSON.stringify(s));
    assert.equal((JSON.parse(text) as { s: string }).s, s);
  }
});
