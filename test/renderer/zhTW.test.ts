import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as OpenCC from 'opencc-js';
import { catalogZhTW } from '../../renderer/i18n/catalogZhTW.ts';

/**
 * zh-TW is written in traditional characters with Taiwanese terms. The judge is OpenCC's
 * maintained conversion tables (opencc-js), not a hand list: a message that OpenCC's
 * mainland→Taiwan conversion would change still holds a simplified-only character (当日 →
 * 當日), and one that its Taiwan-phrases conversion would change holds a mainland term
 * (搜索 → 搜尋, 创建 → 建立, 保存 → 儲存). Whole messages are converted, so OpenCC's phrase
 * tables settle characters that are valid in both scripts (核准 keeps its 准).
 */
const toTraditionalTW = OpenCC.Converter({ from: 'cn', to: 'tw' });
const toTaiwanPhrases = OpenCC.Converter({ from: 'cn', to: 'twp' });

function differences(text: string, converted: string): string {
  const a = [...text];
  const b = [...converted];
  if (a.length !== b.length) return `${text} → ${converted}`;
  return a
    .map((ch, i) => (ch === b[i] ? null : `${ch}→${b[i]}`))
    .filter(Boolean)
    .join(' ');
}

test('the OpenCC tables flag what they should (the checks below are not vacuous)', () => {
  assert.equal(toTraditionalTW('当日放款'), '當日放款');
  assert.equal(toTraditionalTW('賠付已核准'), '賠付已核准');
  assert.equal(toTaiwanPhrases('搜索訂單'), '搜尋訂單');
  assert.equal(toTaiwanPhrases('創建時間'), '建立時間');
});

test('zh-TW has no simplified-only character', () => {
  const bad = Object.entries(catalogZhTW)
    .map(([key, text]) => [key, text, toTraditionalTW(text)] as const)
    .filter(([, text, tw]) => tw !== text)
    .map(([key, text, tw]) => `${key}: ${differences(text, tw)}`);
  assert.deepEqual(bad, []);
});

test('zh-TW uses Taiwanese terms, not mainland ones', () => {
  const bad = Object.entries(catalogZhTW)
    .map(([key, text]) => [key, text, toTaiwanPhrases(text)] as const)
    .filter(([, text, twp]) => twp !== text)
    .map(([key, text, twp]) => `${key}: ${text} → ${twp}`);
  assert.deepEqual(bad, []);
});
