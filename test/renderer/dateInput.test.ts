import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  dayInputExample,
  dayPartOrder,
  formatDayInput,
  parseDayInput,
} from '../../renderer/i18n/dateInput.ts';
import { translate } from '../../renderer/i18n/translate.ts';

test('day fields are written the way each language writes dates', () => {
  assert.deepEqual(dayPartOrder('zh-CN'), ['year', 'month', 'day']);
  assert.deepEqual(dayPartOrder('zh-TW'), ['year', 'month', 'day']);
  assert.deepEqual(dayPartOrder('en'), ['month', 'day', 'year']);
  assert.equal(formatDayInput('zh-TW', '2026-11-26'), '2026/11/26');
  assert.equal(formatDayInput('zh-CN', '2026-01-05'), '2026/01/05');
  assert.equal(formatDayInput('en', '2026-11-26'), '11/26/2026');
  assert.equal(formatDayInput('en', ''), '');
  assert.equal(dayInputExample('zh-CN'), '2026/11/26');
});

test('typed days are read in the language order; impossible days are refused', () => {
  assert.equal(parseDayInput('zh-CN', '2026/11/26'), '2026-11-26');
  assert.equal(parseDayInput('zh-TW', '2026年11月6日'), '2026-11-06');
  assert.equal(parseDayInput('en', '11/26/2026'), '2026-11-26');
  assert.equal(parseDayInput('en', '2026-11-26'), '2026-11-26', 'ISO works in any language');
  assert.equal(parseDayInput('en', ''), '');
  assert.equal(parseDayInput('en', '26/11/2026'), null, 'no month 26');
  assert.equal(parseDayInput('zh-CN', '2026/02/30'), null);
  assert.equal(parseDayInput('zh-CN', '11/26'), null);
});

test('the placeholder names the parts in the order the field reads them', () => {
  const en = { year: 'YYYY', month: 'MM', day: 'DD' } as const;
  const zh = { year: '年', month: '月', day: '日' } as const;
  assert.equal(
    translate('en', 'date.placeholder'),
    dayPartOrder('en')
      .map((p) => en[p])
      .join('/'),
  );
  for (const locale of ['zh-CN', 'zh-TW'] as const) {
    assert.equal(
      translate(locale, 'date.placeholder'),
      dayPartOrder(locale)
        .map((p) => zh[p])
        .join('/'),
    );
  }
});
