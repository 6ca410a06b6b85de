import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntlMessageFormat } from 'intl-messageformat';
import { catalogEn } from '../../renderer/i18n/catalogEn.ts';
import { CATALOGS, LOCALES, translate, translatorFor } from '../../renderer/i18n/translate.ts';

/**
 * The catalogs are ICU MessageFormat read by FormatJS: every language has exactly English's
 * keys, every message parses, uses the same arguments as English, and numbers are formatted by
 * the library (plural `#` or `{x, number}`), never pasted in raw.
 */

type MessageFormatElement = ReturnType<IntlMessageFormat['getAst']>[number];

const TYPE_ARGUMENT = 1;
const TYPE_NUMBER = 2;
const TYPE_SELECT = 5;
const TYPE_PLURAL = 6;
const TYPE_TAG = 8;

interface ArgUse {
  plain: Set<string>;
  numeric: Set<string>;
}

function argumentsOf(elements: MessageFormatElement[], into: ArgUse): ArgUse {
  for (const el of elements) {
    if (el.type === TYPE_ARGUMENT) into.plain.add(el.value);
    else if (el.type === TYPE_NUMBER) into.numeric.add(el.value);
    else if (el.type === TYPE_PLURAL || el.type === TYPE_SELECT) {
      if (el.type === TYPE_PLURAL) into.numeric.add(el.value);
      else into.plain.add(el.value);
      for (const option of Object.values(el.options)) argumentsOf(option.value, into);
    } else if (el.type === TYPE_TAG) argumentsOf(el.children, into);
  }
  return into;
}

function parse(locale: string, key: string, text: string): ArgUse {
  let ast: MessageFormatElement[];
  try {
    ast = new IntlMessageFormat(text, locale).getAst();
  } catch (e) {
    throw new Error(`${locale} ${key} is not valid ICU MessageFormat: ${String(e)}`, { cause: e });
  }
  return argumentsOf(ast, { plain: new Set(), numeric: new Set() });
}

const sorted = (u: ArgUse) => [...new Set([...u.plain, ...u.numeric])].sort();

test('every language has exactly the English keys, none empty', () => {
  const en = Object.keys(catalogEn).sort();
  for (const locale of LOCALES) {
    const keys = Object.keys(CATALOGS[locale]).sort();
    const missing = en.filter((k) => !keys.includes(k));
    const extra = keys.filter((k) => !en.includes(k));
    assert.deepEqual({ locale, missing, extra }, { locale, missing: [], extra: [] });
    for (const [key, text] of Object.entries(CATALOGS[locale])) {
      assert.ok(text.trim() !== '', `${locale} ${key} is empty`);
    }
  }
});

test('every message is valid ICU and takes the same arguments as English', () => {
  const numericNames = new Set<string>();
  const parsed = LOCALES.map((locale) => {
    const uses = Object.entries(CATALOGS[locale]).map(([key, text]) => {
      const use = parse(locale, key, text);
      for (const n of use.numeric) numericNames.add(n);
      return { key, use };
    });
    return { locale, uses };
  });
  const enArgs = new Map(parsed.find((p) => p.locale === 'en')!.uses.map((u) => [u.key, u.use]));
  for (const { locale, uses } of parsed) {
    for (const { key, use } of uses) {
      assert.deepEqual(sorted(use), sorted(enArgs.get(key)!), `${locale} ${key}: arguments`);
      // A count pasted in as `{count}` comes out ungrouped ("100000"): it must go through the
      // library as `{count, number}` or a plural's `#`.
      for (const name of use.plain) {
        assert.ok(!numericNames.has(name), `${locale} ${key}: {${name}} must be {${name}, number}`);
      }
    }
  }
});

test('plurals follow the language: 1 order, 2 orders; Chinese has one form', () => {
  assert.equal(translate('en', 'orders.count', { count: 1 }), '1 order');
  assert.equal(translate('en', 'orders.count', { count: 2 }), '2 orders');
  assert.equal(translate('en', 'orders.count', { count: 0 }), '0 orders');
  assert.equal(
    translate('en', 'batch.summary', { ok: 1, bad: 2 }),
    '1 row ready, 2 rows with problems (they will not be applied)',
  );
  assert.equal(translate('en', 'refunds.count', { count: 1 }).startsWith('1 open request,'), true);
  assert.equal(translate('zh-CN', 'orders.count', { count: 1 }), '共 1 笔订单');
  assert.equal(translate('zh-TW', 'orders.count', { count: 2 }), '共 2 筆訂單');
});

test('numbers are grouped per locale', () => {
  assert.equal(translate('en', 'orders.count', { count: 100000 }), '100,000 orders');
  assert.equal(translate('zh-CN', 'orders.count', { count: 100000 }), '共 100,000 笔订单');
  assert.equal(translate('zh-TW', 'balance.lines', { count: 1234567 }), '1,234,567 條紀錄');
  assert.equal(translatorFor('en').number(100000), '100,000');
  assert.equal(translatorFor('zh-CN').percent(0.756), '76%');
});

test('CNY is ¥ in Chinese and CN¥ in English, with grouping and two decimals', () => {
  assert.equal(translatorFor('zh-CN').money(123456), '¥1,234.56');
  assert.equal(translatorFor('zh-TW').money(123456), '¥1,234.56');
  assert.equal(translatorFor('en').money(123456), 'CN¥1,234.56');
  assert.equal(translatorFor('en').money(-5), '-CN¥0.05');
  assert.equal(translatorFor('zh-CN').money(10000000000), '¥100,000,000.00');
});

test('dates are written per locale in the user time zone', () => {
  // 2026-11-26 06:05 UTC is 14:05 in Taipei and Shanghai, 01:05 in New York.
  const at = Date.UTC(2026, 10, 26, 6, 5);
  // ICU puts no-break spaces between date and time; compare the words, not the space kind.
  const plain = (s: string) => s.replace(/[\u00a0\u2000-\u200a\u202f]/g, ' ');
  assert.equal(plain(translatorFor('zh-TW', 'Asia/Taipei').date(at)), '2026/11/26 14:05');
  assert.equal(translatorFor('zh-CN', 'Asia/Shanghai').date(at, false), '2026/11/26');
  assert.equal(plain(translatorFor('en', 'America/New_York').date(at)), '11/26/2026, 01:05');
  assert.equal(translatorFor('zh-TW', 'Asia/Taipei').monthDay(at), '11月26日');
  assert.equal(translatorFor('en', 'Asia/Taipei').monthDay(at), 'Nov 26');
  // Without a zone given, the translator uses this computer's.
  assert.equal(translatorFor('en').timeZone, new Intl.DateTimeFormat().resolvedOptions().timeZone);
});

test('dyn falls back for a code the catalog does not know', () => {
  const tr = translatorFor('zh-CN');
  assert.equal(tr.dyn('status.shipped', 'shipped'), '已发货');
  assert.equal(tr.dyn('status.not_a_status', 'not_a_status'), 'not_a_status');
});
