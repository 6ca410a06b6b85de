import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES } from '../../shared/errors.ts';
import { LEDGER_PROBLEM_CODES } from '../../shared/ledger/verifyJournal.ts';
import { CATALOGS, LOCALES, translatorFor } from '../../renderer/i18n/translate.ts';

/**
 * Every code the contract or the server can answer with reaches a person as a sentence in
 * their language (what happened, what to do next), never as `invalid_state: only a paid…`.
 */

const han = /\p{Script=Han}/u;

function messageOf(locale: (typeof LOCALES)[number], key: string): string | undefined {
  return (CATALOGS[locale] as Record<string, string>)[key];
}

test('every error code has a human message in every language', () => {
  const missing: string[] = [];
  for (const locale of LOCALES) {
    for (const code of ERROR_CODES) {
      const text = messageOf(locale, `error.${code}`);
      if (!text) missing.push(`${locale} error.${code}`);
      else {
        assert.ok(!text.includes(code), `${locale} error.${code} repeats the code: ${text}`);
        if (locale !== 'en') assert.match(text, han, `${locale} error.${code} is not Chinese`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('every ledger problem code has a human message in every language', () => {
  const missing: string[] = [];
  for (const locale of LOCALES) {
    for (const code of LEDGER_PROBLEM_CODES) {
      const text = messageOf(locale, `ledger.${code}`);
      if (!text) missing.push(`${locale} ledger.${code}`);
      else if (locale !== 'en') assert.match(text, han, `${locale} ledger.${code}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('tr.error gives the human message, never the raw server text', () => {
  const raw = {
    code: 'invalid_state',
    message: 'invalid_state: order demo-order-001 is shipped, expected funds_held',
  };
  for (const locale of LOCALES) {
    const text = translatorFor(locale).error(raw);
    assert.ok(!text.includes('demo-order-001'), `${locale}: ${text}`);
    assert.ok(!text.includes('invalid_state'), `${locale}: ${text}`);
  }
  const en = translatorFor('en');
  assert.match(
    en.error({ code: 'unavailable', message: 'fetch failed' }),
    /No answer from the server/,
  );
  assert.match(en.error({ code: 'unauthorized', message: 'x' }), /Wrong username or password/);
  assert.equal(
    translatorFor('zh-CN').error({ code: 'unauthorized', message: 'wrong username or password' }),
    '用户名或密码错误，或登录已过期。请核对后重新登录。',
  );
  assert.match(translatorFor('zh-TW').error({ code: 'order_not_found' }), /找不到該訂單/);
  // A ledger verify problem is found by its own code too.
  assert.match(en.error({ code: 'hash_chain_broken', message: 'seq 4' }), /hash chain is broken/);
});

test('an unknown code still gets a sentence, naming the code for support', () => {
  for (const locale of LOCALES) {
    const text = translatorFor(locale).error({ code: 'brand_new_code', message: 'boom' });
    assert.match(text, /brand_new_code/);
    assert.ok(!text.includes('boom'));
  }
});
