import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogEn } from '../../renderer/i18n/catalogEn.ts';
import { catalogZhCN } from '../../renderer/i18n/catalogZhCN.ts';
import { catalogZhTW } from '../../renderer/i18n/catalogZhTW.ts';
import { ESCROW_COMMAND_TYPES, ESCROW_EVENT_TYPES } from '../../shared/escrow/types.ts';
import type { GoodsKind } from '../../shared/escrow/types.ts';
import type { DeadlineKind } from '../../shared/escrow/deadlines.ts';
import type { PostingKind } from '../../shared/ledger/types.ts';
import { REASON_CODES } from '../../renderer/views/disputes/DecisionPanel.tsx';

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

// Exhaustive by type: a new posting, deadline or goods kind fails `tsc` here until it is listed.
const POSTING_KINDS: Record<PostingKind, true> = {
  payment_confirmed: true,
  escrow_release: true,
  escrow_refund: true,
  escrow_split: true,
  compensation: true,
  recovery: true,
  fund_guarantee: true,
  merchant_deposit: true,
  withdrawal: true,
  payout: true,
  payout_returned: true,
  bank_adjustment: true,
};
const DEADLINE_KINDS: Record<DeadlineKind, true> = {
  pay_by: true,
  ship_by: true,
  auto_confirm: true,
  refund_answer: true,
  return_ship: true,
  return_confirm: true,
  escalation: true,
  seller_evidence: true,
  info_due: true,
};
const GOODS_KINDS: Record<GoodsKind, true> = { express: true, surface: true, virtual: true };

test('ledger posting kinds, deadlines and goods kinds have labels, not codes', () => {
  const keys = [
    ...Object.keys(POSTING_KINDS).map((k) => `kind.${k}`),
    ...Object.keys(DEADLINE_KINDS).map((k) => `deadline.${k}`),
    ...Object.keys(GOODS_KINDS).map((k) => `goods.${k}`),
    ...Object.values(REASON_CODES)
      .flat()
      .map((code) => `dispute.reason.${code}`),
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
