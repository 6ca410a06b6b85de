import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { z } from 'zod';
import { deskContract } from '../../shared/contract/deskContract.ts';
import { METHOD_NAMES, parseCall } from '../../shared/contract/validate.ts';
import { signInAsSeller, startDemoHost } from '../shell/deskHostFixture.ts';

/**
 * Issue 12, desk side: text with U+0000 or a lone surrogate is refused at the contract with
 * `invalid_text`, before it reaches SQLite's FTS (which answered `internal "core error:
 * unterminated string"`) or the server (which answered `internal` for a NUL username).
 */

const BAD_TEXTS = {
  nul: 'ab\u0000cd',
  'lone high surrogate': 'ab\uD83Dcd',
  'lone low surrogate': 'ab\uDE00cd',
  'reversed pair': 'ab\uDE00\uD83Dcd',
};

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every string schema reachable in a schema, with its path (objects, arrays, unions, …). */
function stringSchemas(schema: z.ZodType, path: string): Array<[string, z.ZodType]> {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return [[path, schema]];
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([k, s]) => stringSchemas(s, `${path}.${k}`));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return stringSchemas(def.innerType as z.ZodType, path);
    case 'array':
      return stringSchemas(def.element as z.ZodType, `${path}[]`);
    case 'union':
      return (def.options ?? []).flatMap((o) => stringSchemas(o, path));
    case 'pipe':
      return stringSchemas(def.in as z.ZodType, path);
    default:
      return [];
  }
}

test('every string field of every contract input refuses NUL and unpaired surrogates', () => {
  let fields = 0;
  for (const method of METHOD_NAMES) {
    for (const [path, schema] of stringSchemas(deskContract[method].input, method)) {
      fields++;
      for (const [name, text] of Object.entries(BAD_TEXTS)) {
        assert.equal(schema.safeParse(text).success, false, `${path} accepted ${name}`);
      }
    }
  }
  // Usernames, passwords, search text, carriers, tracking numbers, reasons, notes, file names…
  assert.ok(fields >= 40, `only ${fields} string fields found: is the walker still right?`);
});

test('free-text fields answer invalid_text naming the field, not invalid_input or internal', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['session.signIn', { username: 'sel\u0000ler', password: 'demo-seller' }, 'username'],
    ['session.signIn', { username: 'seller', password: 'demo\uD800' }, 'password'],
    ['orders.search', { text: '\u0000', offset: 0, limit: 10 }, 'text'],
    [
      'refunds.refuse',
      {
        commandId: '0190b4a0-0000-7000-8000-000000000000',
        orderId: 'DEMO-1',
        refundId: 'R-1',
        reason: 'x\uDC00',
      },
      'reason',
    ],
    ['disputes.addNote', { claimId: 'C-1', body: 'note\u0000' }, 'body'],
    ['settings.set', { serverUrl: 'https://a.example/\u0000' }, 'serverUrl'],
  ];
  for (const [method, input, field] of cases) {
    const parsed = parseCall(method, input);
    assert.ok(!parsed.ok, `${method} accepted bad text in ${field}`);
    assert.equal(parsed.error.code, 'invalid_text', `${method}.${field}: ${parsed.error.message}`);
    assert.match(parsed.error.message, new RegExp(`^${field}: `));
    assert.ok(!parsed.error.message.includes('\u0000'), 'the message quotes the bad text');
  }
});

test('well-formed text, astral characters included, is still accepted', () => {
  const parsed = parseCall('orders.search', { text: '顺丰 😀 𠮷', offset: 0, limit: 10 });
  assert.ok(parsed.ok);
});

const fixture = startDemoHost();
before(() => signInAsSeller(fixture.host));
after(() => fixture.cleanup());

test('through the desk host: orders.search with a NUL answers invalid_text, not internal', async () => {
  for (const text of Object.values(BAD_TEXTS)) {
    const r = await fixture.host.call('orders.search', { text, offset: 0, limit: 10 });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'invalid_text');
  }
  // The desk still answers afterwards.
  const again = await fixture.host.call('orders.search', { text: 'DEMO', offset: 0, limit: 10 });
  assert.ok(again.ok);
});

test('through the desk host: session.signIn with a NUL username answers invalid_text', async () => {
  const r = await fixture.host.call('session.signIn', {
    username: 'seller\u0000',
    password: 'demo-seller',
  });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'invalid_text');
});
