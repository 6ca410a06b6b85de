// Generated bank statements in both formats the server imports: camt.053 XML and the CSV
// 对账单 (GBK by default, as Chinese banks' portals write it). Used by the treasury tests, the
// simulator and the bench.
import iconv from 'iconv-lite';

export interface GeneratedLine {
  bookedAt: number;
  /** Money in positive, out negative (fen). */
  amountFen: number;
  bankRef: string;
  reversal?: boolean;
  description?: string;
}

export interface GeneratedStatement {
  statementRef: string;
  /** YYYY-MM-DD, China Standard Time. */
  date: string;
  openingFen: number;
  lines: GeneratedLine[];
  /** Set only to make a statement that does not add up. */
  closingFen?: number;
}

const CST_MS = 8 * 3_600_000;
const yuan = (fen: number) => {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};
const cstDay = (t: number) => new Date(t + CST_MS).toISOString().slice(0, 10);
const cstTime = (t: number) => new Date(t + CST_MS).toISOString().slice(11, 19);
const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function closingOf(s: GeneratedStatement): number {
  return s.closingFen ?? s.lines.reduce((sum, l) => sum + l.amountFen, s.openingFen);
}

function balance(code: 'OPBD' | 'CLBD', fen: number, date: string): string {
  return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">${yuan(Math.abs(fen))}</Amt><CdtDbtInd>${fen < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
}

export function camt053(s: GeneratedStatement): string {
  const entries = s.lines.map(
    (l) =>
      `<Ntry><Amt Ccy="CNY">${yuan(Math.abs(l.amountFen))}</Amt><CdtDbtInd>${l.amountFen < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd>${l.reversal ? '<RvslInd>true</RvslInd>' : ''}<Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>${new Date(l.bookedAt).toISOString()}</DtTm></BookgDt><AcctSvcrRef>${xmlEscape(l.bankRef)}</AcctSvcrRef><AddtlNtryInf>${xmlEscape(l.description ?? '')}</AddtlNtryInf></Ntry>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>${s.statementRef}</MsgId><CreDtTm>${s.date}T23:59:59+08:00</CreDtTm></GrpHdr><Stmt><Id>${s.statementRef}</Id><FrToDt><FrDtTm>${s.date}T00:00:00+08:00</FrDtTm><ToDtTm>${s.date}T23:59:59.999+08:00</ToDtTm></FrToDt><Acct><Id><Othr><Id>1202020000000000001</Id></Othr></Id><Ccy>CNY</Ccy></Acct>${balance('OPBD', s.openingFen, s.date)}${balance('CLBD', closingOf(s), s.date)}
${entries.join('\n')}
</Stmt></BkToCstmrStmt></Document>
`;
}

/** The CSV 对账单: account details, then one row per line. GBK unless told UTF-8. */
export function bankCsv(s: GeneratedStatement, encoding: 'gbk' | 'utf8' = 'gbk'): Buffer {
  const rows = [
    `对账单编号,${s.statementRef}`,
    '账号,1202020000000000001',
    '户名,杭州担保交易平台有限公司',
    '币种,人民币',
    `对账日期,${s.date}`,
    `期初余额,${yuan(s.openingFen)}`,
    `期末余额,${yuan(closingOf(s))}`,
    '交易日期,交易时间,交易流水号,摘要,借方发生额,贷方发生额,余额',
  ];
  let running = s.openingFen;
  for (const l of s.lines) {
    running += l.amountFen;
    const summary = `${l.reversal ? '冲正 ' : ''}${(l.description ?? '').replace(/[",\r\n]/g, ' ')}`;
    rows.push(
      [
        cstDay(l.bookedAt),
        cstTime(l.bookedAt),
        l.bankRef,
        summary,
        l.amountFen < 0 ? yuan(-l.amountFen) : '',
        l.amountFen > 0 ? yuan(l.amountFen) : '',
        yuan(running),
      ].join(','),
    );
  }
  const text = `${rows.join('\r\n')}\r\n`;
  return encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(`\uFEFF${text}`, 'utf8');
}
