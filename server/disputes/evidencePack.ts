import PDFDocument from 'pdfkit';
import { formatFen } from '../../shared/money.ts';
import { PDF_BOLD_FONT_FILE, PDF_FONT_FILE } from '../common/pdfFonts.ts';
import type { AuditVerification } from './caseAudit.ts';
import type { CaseDetail } from './caseDetail.ts';
import type { LedgerRollup } from '../ledger/ledgerRollup.ts';

/**
 * A decided case as a PDF for arbitration or the bank: the claim and decision, the order's
 * timeline, every evidence file with its sha-256 and whether the stored bytes still match, the
 * ledger legs the decision posted, and the audit trail with the chain head it was checked
 * against. Text is set in the server's PDF fonts (common/pdfFonts.ts).
 */

const yuan = (fen: number) => formatFen(fen, 'CNY', 'zh-CN');

/** True when `zone` is an IANA time zone this runtime knows (e.g. Asia/Shanghai). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Times as the agent reads them: in their zone, with its offset, e.g. `2026-11-02 17:00:05
 * GMT+08:00` — a pack handed to a bank still says exactly which instant it means.
 */
export function zonedTime(zone: string): (t: number | null | undefined) => string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  return (t) => {
    if (t === null || t === undefined) return '—';
    const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
  };
}

/** Evidence images pdfkit can embed (PNG and JPEG), by sha-256; other files are listed only. */
export type PackImages = ReadonlyMap<string, Buffer>;

export function renderEvidencePack(
  detail: CaseDetail,
  audit: AuditVerification,
  generatedAt: number,
  generatedBy: string,
  opts: { timeZone: string; images: PackImages; rollup?: LedgerRollup | null },
): Promise<Buffer> {
  const { order, claim, summary } = detail;
  const iso = zonedTime(opts.timeZone);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: {
      Title: `证据包 Evidence pack — ${claim.claimId}`,
      Author: 'Escrow Desk',
      Subject: `Claim ${claim.claimId} on order ${order.orderId}`,
      CreationDate: new Date(generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.registerFont('body', PDF_FONT_FILE);
  doc.registerFont('bold', PDF_BOLD_FONT_FILE);
  const h1 = (t: string) => doc.font('bold').fontSize(18).text(t).moveDown(0.4);
  const h2 = (t: string) => doc.moveDown(0.6).font('bold').fontSize(13).text(t).moveDown(0.2);
  const line = (t: string) => doc.font('body').fontSize(9.5).text(t);
  const kv = (k: string, v: string) => line(`${k}: ${v}`);

  h1('争议案件证据包 · Dispute evidence pack');
  kv('案件 Claim', claim.claimId);
  kv('订单 Order', `${order.orderId} · ${order.item.title} × ${order.item.quantity}`);
  kv('卖家 Seller', `${detail.sellerHistory.merchantName ?? ''} (${order.merchantId})`);
  kv('买家 Buyer', order.buyerId);
  kv('订单金额 Order amount', yuan(order.amountFen));
  kv('生成 Generated', `${iso(generatedAt)} by ${generatedBy}`);
  kv('时区 Time zone', opts.timeZone);

  h2('索赔 Claim');
  kv('金额 Amount claimed', yuan(claim.amountFen));
  kv('提交 Filed', iso(claim.filedAt));
  line(`理由 Reason: ${claim.reason}`);
  if (claim.sellerNote) line(`卖家说明 Seller's note: ${claim.sellerNote}`);

  h2('裁决 Decision');
  kv('状态 Status', `${claim.status} (${summary.deskStatus})`);
  kv('原因代码 Reason code', claim.reasonCode ?? '—');
  kv('裁决人 Decided by', claim.decidedBy.join(', ') || '—');
  kv('裁决时间 Decided at', iso(claim.decidedAt));
  kv('赔付 Compensation paid', yuan(claim.paidFen));
  kv(
    '资金来源 Paid from',
    claim.source === 'escrow'
      ? '担保交易托管 escrow (money still held)'
      : claim.source === 'guarantee_fund'
        ? '保障基金 guarantee fund, recovered from the seller'
        : '—',
  );
  const decision = [...detail.timeline]
    .reverse()
    .find(
      (t) =>
        (t.type === 'claim_approved' || t.type === 'claim_rejected') &&
        'claimId' in t.event &&
        t.event.claimId === claim.claimId,
    );
  if (decision && 'note' in decision.event) line(`备注 Note: ${decision.event.note}`);

  h2('账务分录 Ledger legs of this decision');
  const legs = detail.postings.filter((p) => p.forThisClaim);
  if (legs.length === 0) line('— (no money moved)');
  // Each row is cited by (shard, seq, hash); the roll-up root pins every shard's chain.
  if (opts.rollup)
    kv('账本汇总根 Ledger roll-up root', `${opts.rollup.root} (${iso(opts.rollup.at)})`);
  for (const p of legs) {
    line(`#${p.shard}:${p.seq} ${p.kind} · ${iso(p.at)} · txn ${p.txnId} · hash ${p.hash}`);
    for (const leg of p.legs)
      line(
        `    ${leg.amountFen > 0 ? 'Dr' : 'Cr'} ${leg.account}  ${yuan(Math.abs(leg.amountFen))}`,
      );
  }

  h2('证据 Evidence (sha-256, checked against the stored file)');
  const evidence = [
    ...detail.evidence.buyer.map((e) => ({ ...e, side: '买家 buyer' })),
    ...detail.evidence.seller.map((e) => ({ ...e, side: '卖家 seller' })),
  ];
  if (evidence.length === 0) line('—');
  for (const e of evidence) {
    line(
      `${e.side} · ${e.name} · ${e.mime} · ${e.sizeBytes} bytes · ${e.verified ? '✓ 校验一致 verified' : '× 不一致 MISMATCH'}`,
    );
    line(`    sha256 ${e.sha256}`);
  }

  // The images themselves, as the agent saw them: a reader of the pack judges the same photo.
  const images = evidence.filter((e) => e.verified && opts.images.has(e.sha256));
  if (images.length) h2('证据图片 Image evidence');
  for (const e of images) {
    const bytes = opts.images.get(e.sha256);
    if (!bytes) continue;
    if (doc.y > doc.page.height - 260) doc.addPage();
    line(`${e.side} · ${e.name} · sha256 ${e.sha256.slice(0, 16)}…`);
    doc.image(bytes, { fit: [360, 220] });
    doc.moveDown(0.5);
  }

  h2('订单时间线 Order timeline');
  for (const t of detail.timeline)
    line(`v${t.version} · ${iso(t.at)} · ${t.type} · ${t.actorId ?? 'system'}`);

  h2('审计记录 Audit trail');
  kv(
    '哈希链 Hash chain',
    audit.ok
      ? `verified, ${audit.rows} rows, head #${audit.headSeq} ${audit.headHash}`
      : `BROKEN: ${audit.problems.map((p) => `#${p.seq} ${p.code}`).join(', ')}`,
  );
  for (const a of detail.audit) {
    const from = (a.before as { status?: string } | null)?.status;
    const to = (a.after as { status?: string } | null)?.status;
    line(
      `#${a.seq} · ${iso(a.at)} · ${a.actorId} · ${a.action}${from || to ? ` · ${from ?? '—'} → ${to ?? '—'}` : ''}`,
    );
    line(`    hash ${a.hash}`);
  }
  doc.end();
  return done;
}
