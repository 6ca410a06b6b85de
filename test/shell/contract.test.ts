import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { z } from 'zod';
import { deskContract } from '../../shared/contract/deskContract.ts';
import { METHOD_NAMES, parseCall, parseOutput } from '../../shared/contract/validate.ts';
import type { MethodName } from '../../shared/contract/types.ts';
import { ERROR_CODES } from '../../shared/errors.ts';
import { VALID_INPUTS } from './contractSamples.ts';
import { signInAsSeller, startDemoHost, unwrap } from './deskHostFixture.ts';

const fixture = startDemoHost();
const { host } = fixture;
before(() => signInAsSeller(host));
after(() => fixture.cleanup());

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

test('every contract method accepts its sample input unchanged and answers in its output schema', async () => {
  const mustSucceed: MethodName[] = [
    'session.signIn',
    'session.current',
    'orders.list',
    'orders.get',
    'orders.search',
    'shipments.check',
    'ledger.lines',
    'ledger.history',
    'ledger.statement',
    'shipments.ship',
    'refunds.agree',
    'ledger.balances',
    'ledger.verify',
    'sync.status',
    'sync.now',
    'settings.get',
    'settings.set',
    'session.signOut',
  ];
  // Sign-out last, so every other call runs signed in.
  const order = [
    ...METHOD_NAMES.filter((m) => m !== 'session.signOut'),
    'session.signOut' as const,
  ];
  for (const method of order) {
    const input = VALID_INPUTS[method]();
    const parsed = parseCall(method, structuredClone(input));
    assert.ok(parsed.ok, `${method} refused its own sample`);
    assert.deepEqual(parsed.value.input, input, `${method} input changed on the way in`);

    // As web mode sends it: through JSON.
    const result = await host.call(method, json(input));
    if (result.ok) {
      const again = parseOutput(method, json(result.value));
      assert.ok(again.ok, `${method} output does not survive JSON`);
      assert.deepEqual(again.value, json(result.value));
    } else {
      assert.ok(
        !mustSucceed.includes(method),
        `${method} failed: ${result.error.code} ${result.error.message}`,
      );
      // Domain answers (forbidden for a seller, claim_not_found…) are fine; plumbing errors are not.
      assert.ok(
        !['invalid_input', 'unknown_method', 'internal', 'unavailable'].includes(result.error.code),
        `${method}: ${result.error.code} ${result.error.message}`,
      );
    }
  }
  await signInAsSeller(host);
});

test('the order shipped above comes back from the server shipped, with its timeline and unchanged escrow posting', async () => {
  const status = unwrap<{ state: string; pendingMutations: number }>(
    await host.call('sync.now', {}),
  );
  assert.equal(status.pendingMutations, 0, JSON.stringify(status));
  const detail = unwrap<{
    order: { status: string; shipment: { carrier: string } };
    timeline: { type: string }[];
    postings: { kind: string }[];
  }>(await host.call('orders.get', { orderId: 'demo-order-003' }));
  assert.equal(detail.order.status, 'shipped');
  assert.equal(detail.order.shipment.carrier, 'sf');
  assert.deepEqual(
    detail.timeline.map((e) => e.type),
    ['order_created', 'payment_confirmed', 'order_shipped'],
  );
  assert.deepEqual(
    detail.postings.map((p) => p.kind),
    ['payment_confirmed'],
  );
});

// ---------------------------------------------------------------------------------------------
// Malformed payloads

const FOREIGN_VALUES: unknown[] = [
  null,
  undefined,
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  -(2 ** 60),
  '',
  'x',
  ' ',
  true,
  false,
  [],
  ['demo-order-003'],
  {},
  { orderId: 'demo-order-003' },
];
const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'actor',
  'role',
];
const HUGE = 'x'.repeat(300_000);

type Shape = Record<string, z.ZodType>;
const shapeOf = (method: MethodName): Shape =>
  (deskContract[method].input as unknown as { shape: Shape }).shape;

/** An own, enumerable key, even for "__proto__" (as JSON.parse makes it). */
function withKey(
  base: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

type Malformed = { method: unknown; input: unknown; why: string };

const methodArb = fc.constantFrom(...METHOD_NAMES);

const wrongType = fc
  .tuple(methodArb, fc.nat(), fc.constantFrom(...FOREIGN_VALUES, HUGE))
  .map(([method, n, value]): Malformed | null => {
    const keys = Object.keys(shapeOf(method));
    if (keys.length === 0) return null;
    const key = keys[n % keys.length]!;
    if (shapeOf(method)[key]!.safeParse(value).success) return null;
    return { method, input: withKey(VALID_INPUTS[method](), key, value), why: `wrong ${key}` };
  });

const missing = fc.tuple(methodArb, fc.nat()).map(([method, n]): Malformed | null => {
  const shape = shapeOf(method);
  const required = Object.keys(shape).filter((k) => !shape[k]!.safeParse(undefined).success);
  if (required.length === 0) return null;
  const key = required[n % required.length]!;
  const input = VALID_INPUTS[method]() as Record<string, unknown>;
  delete input[key];
  return { method, input, why: `missing ${key}` };
});

const extra = fc
  .tuple(
    methodArb,
    fc.oneof(fc.constantFrom(...NASTY_KEYS), fc.string({ minLength: 1, maxLength: 30 })),
    fc.anything(),
  )
  .map(([method, key, value]): Malformed | null => {
    if (Object.hasOwn(shapeOf(method), key)) return null;
    return { method, input: withKey(VALID_INPUTS[method](), key, value), why: `extra ${key}` };
  });

const notAnObject = fc
  .tuple(methodArb, fc.constantFrom<unknown>(null, undefined, 0, 'input', true, [], [{}], HUGE))
  .map(([method, input]): Malformed => ({ method, input, why: 'not an object' }));

const badMethod = fc
  .tuple(
    fc.oneof(
      fc.constantFrom<unknown>(
        '__proto__',
        'constructor',
        'toString',
        'orders',
        'orders.',
        'ORDERS.LIST',
        'orders.list ',
        null,
        42,
        {},
        HUGE,
      ),
      fc.string({ maxLength: 40 }),
    ),
    methodArb,
  )
  .map(([method, real]): Malformed | null =>
    typeof method === 'string' && Object.hasOwn(deskContract, method)
      ? null
      : { method, input: VALID_INPUTS[real](), why: 'unknown method' },
  );

const malformed = fc
  .oneof(wrongType, missing, extra, notAnObject, badMethod)
  .filter((m): m is Malformed => m !== null);

test('10,000 malformed payloads each get a typed error and leave the core and ledger untouched', async () => {
  const balancesBefore = unwrap(await host.call('ledger.balances', {}));
  const ordersBefore = unwrap(await host.call('orders.list', { limit: 50 }));
  let count = 0;
  await fc.assert(
    fc.asyncProperty(malformed, async ({ method, input, why }) => {
      count++;
      const result = await host.call(method, input);
      assert.equal(result.ok, false, `accepted: ${why}`);
      if (result.ok) return;
      assert.ok(
        ['invalid_input', 'unknown_method'].includes(result.error.code),
        `${why}: ${result.error.code}`,
      );
      assert.ok((ERROR_CODES as readonly string[]).includes(result.error.code));
      assert.equal(typeof result.error.message, 'string');
      assert.ok(result.error.message.length < 1000, 'the message must not echo the payload');
    }),
    { numRuns: 10_000, seed: 20261126 },
  );
  assert.equal(count, 10_000);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'orderId'), false);

  assert.equal(host.core.restarts, 0, 'the core must not have crashed');
  const verified = unwrap<{ ok: boolean; problems: unknown[]; transactions: number }>(
    await host.call('ledger.verify', {}),
  );
  assert.deepEqual(verified, {
    ok: true,
    problems: [],
    transactions: verified.transactions,
    comparedWithServer: true,
  });
  assert.deepEqual(unwrap(await host.call('ledger.balances', {})), balancesBefore);
  assert.deepEqual(unwrap(await host.call('orders.list', { limit: 50 })), ordersBefore);
});
