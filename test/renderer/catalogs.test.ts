import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogEn } from '../../renderer/i18n/catalogEn.ts';
import { catalogZhCN } from '../../renderer/i18n/catalogZhCN.ts';
import { catalogZhTW } from '../../renderer/i18n/catalogZhTW.ts';
import { ESCROW_COMMAND_TYPES, ESCROW_EVENT_TYPES } from '../../shared/escrow/types.ts';

/**
 * Timelines and audit trails show stable codes from the server; each must have a label in every
 * language, or a Chinese merchant reads `claim_second_approval_refused`.
 */
const CATALOGS = { en: catalogEn, 'zh-CN': catalogZhCN, 'zh-TW': catalogZhTW } as const;
const AUDIT_ONLY_ACTIONS = [
  'assigned',
  'unassigned',
  'note_added',
  'case_imported',
  'evidence_pack_exported',
];

test('every timeline event and audit action has a label in every language', () => {
  const keys = [
    ...ESCROW_EVENT_TYPES.map((t) => `event.${t}`),
    ...[...ESCROW_COMMAND_TYPES, ...AUDIT_ONLY_ACTIONS].map((a) => `action.${a}`),
  ];
  for (const [locale, catalog] of Object.entries(CATALOGS)) {
    const messages = catalog as Record<string, string>;
    for (const key of keys) {
      const label = messages[key];
      assert.ok(label && label.trim() !== '', `${locale} has no ${key}`);
      assert.doesNotMatch(label, /_/, `${locale} ${key} is a code, not a label`);
    }
  }
});

test('the Chinese catalogs are written in Chinese', () => {
  const han = /\p{Script=Han}/u;
  for (const key of ESCROW_EVENT_TYPES.map((t) => `event.${t}` as const)) {
    assert.match(catalogZhCN[key], han, key);
    assert.match(catalogZhTW[key], han, key);
  }
  // Simplified-only characters and mainland terms in zh-TW: zhTW.test.ts (OpenCC's tables).
});
