import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CARRIERS,
  normalizeTrackingNo,
  s10CheckDigitOk,
  trackingProblem,
} from '../../../shared/shipping/carriers.ts';

test('every carrier accepts its own example number', () => {
  for (const c of CARRIERS) assert.equal(trackingProblem(c.id, c.example), null, c.id);
});

test('a number in another carrier format is refused with the reason', () => {
  assert.equal(trackingProblem('sf', 'YT1234567890123'), 'tracking_format');
  assert.equal(trackingProblem('yto', 'SF1234567890123'), 'tracking_format');
  assert.equal(trackingProblem('ups', 'SF1234567890123'), 'unknown_carrier');
});

test('UPU S10 numbers with the right check digit pass, others are refused', () => {
  assert.ok(s10CheckDigitOk('EA123456706CN'));
});

test('UPU S10 numbers with a wrong check digit are refused', () => {
  assert.equal(trackingProblem('ems', 'EA123456785CN'), null);
  assert.equal(trackingProblem('ems', 'EA123456784CN'), 'tracking_check_digit');
});

// The S10 mapping folds raw 11 onto 5, so only numbers whose check digit is not 5 catch every
// single-digit typo; EA12345670 6 CN has check digit 6.
test('changing any one serial digit of an S10 number with check digit 6 breaks it', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
      const digits = [...'12345670'];
      digits[pos] = String((Number(digits[pos]) + delta) % 10);
      return !s10CheckDigitOk(`EA${digits.join('')}6CN`);
    }),
  );
});

test('pasted numbers are normalised before checking', () => {
  assert.equal(normalizeTrackingNo(' sf 1234 5678 90123 '), 'SF1234567890123');
});
