import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cleanText, textProblem } from '../../shared/text.ts';

const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

test('textProblem names NUL and lone surrogates, and nothing else', () => {
  assert.equal(textProblem(''), null);
  assert.equal(textProblem('顺丰 SF123 😀'), null);
  assert.equal(textProblem('a\u0000'), 'nul');
  assert.equal(textProblem('\uD83D'), 'lone_surrogate');
  assert.equal(textProblem('\uDE00x'), 'lone_surrogate');
  assert.equal(textProblem('\uDE00\uD83D'), 'lone_surrogate');
  assert.equal(textProblem('\uD83D\uDE00'), null);
});

test('textProblem agrees with String.prototype.isWellFormed on arbitrary UTF-16', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const expected = s.includes('\u0000') ? 'nul' : isWellFormed(s) ? null : 'lone_surrogate';
      assert.equal(textProblem(s), expected);
    }),
    { numRuns: 2000 },
  );
});

test('cleanText keeps a refused string storable: NUL and lone surrogates become U+FFFD, capped', () => {
  assert.equal(cleanText('a\u0000b\uD800c\uDC00d😀'), 'a\uFFFDb\uFFFDc\uFFFDd😀');
  assert.equal(cleanText('x'.repeat(500)).length, 200);
  assert.equal(textProblem(cleanText('\u0000\uDFFF')), null);
});
