import PDFDocument from 'pdfkit';
import Papa from 'papaparse';
import { formatFen } from '../../../shared/money.ts';
import { PDF_BOLD_FONT_FILE, PDF_FONT_FILE } from '../../common/pdfFonts.ts';
import type { ReconReport } from './reconReport.ts';

export type ReportLanguage = 'zh' | 'en';

const LABELS = {
  zh: {
    title: '银行对账报告',
    bank: '银行',
    statement: '对账单编号',
    date: '对账日期',
    cutOff: '截止时间',
    generated: '生成时间',
    closing: '对账单期末余额',
    broughtForward: '期初承前差额',
    ledger: '账簿银行存款余额（截止时）',
    inTransit: '在途款项（账簿已记、银行未记）',
    bankAhead: '银行先记、账簿后记',
    reconciling: '未了差异',
    expected: '调节后余额',
    difference: '差额',
    result: '结论',
    ok: '已平衡',
    notOk: '不平衡',
    counts: '行数 / 已匹配 / 未结差异 / 已处理差异',
    chain: '核对所依据的账簿链头',
    items: '差异明细',
    transitItems: '在途明细',
    kind: {
      unknown_line: '账簿未记的银行流水',
      unsettled: '通知未在对账单出现',
      amount_mismatch: '金额不符',
      reversal: '冲正',
      duplicate: '重复入账',
    },
  },
  en: {
    title: 'Bank reconciliation report',
    bank: 'Bank',
    statement: 'Statement reference',
    date: 'Statement date',
    cutOff: 'Cut-off',
    generated: 'Generated',
    closing: 'Statement closing balance',
    broughtForward: 'Brought forward difference',
    ledger: 'Ledger bank balance at cut-off',
    inTransit: 'Items in transit (in the ledger, not yet at the bank)',
    bankAhead: 'Booked by the bank before the ledger',
    reconciling: 'Open differences',
    expected: 'Reconciled balance',
    difference: 'Difference',
    result: 'Result',
    ok: 'Reconciled',
    notOk: 'NOT reconciled',
    counts: 'Lines / matched / open exceptions / resolved exceptions',
    chain: 'Ledger chain head checked against',
    items: 'Differences',
    transitItems: 'Items in transit',
    kind: {
      unknown_line: 'Line the ledger does not know',
      unsettled: 'Notification never on the statement',
      amount_mismatch: 'Amount mismatch',
      reversal: 'Reversal',
      duplicate: 'Duplicate',
    },
  },
} as const;

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

function summaryRows(r: ReconReport, lang: ReportLanguage): [string, string][] {
  const L = LABELS[lang];
  const money = (fen: number) => formatFen(fen, 'CNY', lang === 'zh' ? 'zh-CN' : 'en');
  return [
    [L.bank, r.bank],
    [L.statement, r.statementRef],
    [L.date, r.statementDate],
    [L.cutOff, iso(r.cutOffAt)],
    [L.generated, iso(r.generatedAt)],
    [L.closing, money(r.statementClosingFen)],
    [L.broughtForward, money(r.broughtForwardFen)],
    [L.ledger, money(r.ledgerBalanceFen)],
    [L.inTransit, money(-r.inTransitFen)],
    [L.bankAhead, money(r.bankAheadFen)],
    [L.reconciling, money(r.reconcilingFen)],
    [L.expected, money(r.expectedClosingFen)],
    [L.difference, money(r.differenceFen)],
    [L.result, r.reconciled ? L.ok : L.notOk],
    [
      L.counts,
      `${r.counts.lines} / ${r.counts.matched} / ${r.counts.openExceptions} / ${r.counts.resolvedExceptions}`,
    ],
    [L.chain, `#${r.chainHead.seq} ${r.chainHead.hash}`],
  ];
}

/** The report as CSV (UTF-8 with BOM so Excel reads the Chinese), amounts in fen. */
export function reconReportCsv(r: ReconReport, lang: ReportLanguage): string {
  const L = LABELS[lang];
  const rows: string[][] = [[L.title, ''], ...summaryRows(r, lang), [], [L.items]];
  for (const i of r.reconcilingItems)
    rows.push([
      i.exceptionId,
      L.kind[i.kind],
      i.bankRef,
      String(i.differenceFen),
      i.status,
      i.resolution ?? '',
    ]);
  rows.push([], [L.transitItems]);
  for (const t of r.inTransit) rows.push([t.txnId, iso(t.at), String(t.amountFen)]);
  return `\uFEFF${Papa.unparse(rows, { newline: '\r\n' })}\r\n`;
}

/** The report as a PDF, set in the server's CJK fonts. */
export function reconReportPdf(r: ReconReport, lang: ReportLanguage): Promise<Buffer> {
  const L = LABELS[lang];
  const money = (fen: number) => formatFen(fen, 'CNY', lang === 'zh' ? 'zh-CN' : 'en');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: {
      Title: `${L.title} — ${r.bank} ${r.statementDate}`,
      Author: 'Escrow Desk',
      CreationDate: new Date(r.generatedAt),
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
  doc.font('bold').fontSize(18).text(L.title).moveDown(0.4);
  for (const [k, v] of summaryRows(r, lang)) doc.font('body').fontSize(9.5).text(`${k}: ${v}`);
  doc.moveDown(0.6).font('bold').fontSize(13).text(L.items).moveDown(0.2);
  if (r.reconcilingItems.length === 0) doc.font('body').fontSize(9.5).text('—');
  for (const i of r.reconcilingItems.slice(0, 2000))
    doc
      .font('body')
      .fontSize(9.5)
      .text(
        `${i.exceptionId} · ${L.kind[i.kind]} · ${i.bankRef} · ${money(i.differenceFen)} · ${i.status}${i.resolution ? ` (${i.resolution})` : ''}`,
      );
  doc.moveDown(0.6).font('bold').fontSize(13).text(L.transitItems).moveDown(0.2);
  if (r.inTransit.length === 0) doc.font('body').fontSize(9.5).text('—');
  for (const t of r.inTransit.slice(0, 2000))
    doc
      .font('body')
      .fontSize(9.5)
      .text(`${t.txnId} · ${iso(t.at)} · ${money(t.amountFen)}`);
  doc.end();
  return done;
}
