import { XMLParser } from 'fast-xml-parser';
import { cstDate, cstDateStart } from '../treasuryPolicy.ts';
import { DAY_MS } from '../../../shared/time.ts';
import { checkStatementAddsUp, invalid, yuanToFen } from './statementTypes.ts';
import type { ParsedStatement, StatementLine } from './statementTypes.ts';

/**
 * ISO 20022 camt.053 (BankToCustomerStatement), the versions banks send today (.001.02 to
 * .001.13: element names are the same for what is read here). Guarded before parsing: the
 * caller bounds the size; a DOCTYPE (and so any entity declaration — camt.053 never has one)
 * is refused outright, so no entity expansion can happen; nesting is bounded by the parser.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: { enabled: true, maxEntityCount: 0, maxExpandedLength: 10_000 },
  maxNestedTags: 32,
  isArray: (name) => name === 'Ntry' || name === 'Bal' || name === 'Stmt' || name === 'TxDtls',
});

type Node = Record<string, unknown>;
const obj = (v: unknown): Node => (typeof v === 'object' && v !== null ? (v as Node) : {});
const list = (v: unknown): Node[] =>
  Array.isArray(v) ? v.map(obj) : v === undefined ? [] : [obj(v)];
const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'object' && v !== null ? str((v as Node)['#text']) : '';

function amountOf(node: Node, what: string): { fen: number; currency: string } {
  const amt = node.Amt;
  const fen = yuanToFen(str(amt), what);
  if (fen < 0) throw invalid(`${what}: amounts are unsigned in camt.053`);
  const ind = str(node.CdtDbtInd);
  if (ind !== 'CRDT' && ind !== 'DBIT') throw invalid(`${what}: CdtDbtInd must be CRDT or DBIT`);
  return { fen: ind === 'DBIT' ? -fen : fen, currency: str(obj(amt)['@Ccy']) };
}

/** A camt date or date-time: `2026-03-01` (that day's midnight in Beijing) or an ISO time. */
function timeOf(node: Node): number | null {
  const dt = str(node.DtTm);
  if (dt) {
    const t = Date.parse(dt);
    return Number.isNaN(t) ? null : t;
  }
  const d = str(node.Dt);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? cstDateStart(d) : null;
}

export function parseCamt053(text: string): ParsedStatement {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw invalid('a DOCTYPE or entity declaration is refused');
  let doc: Node;
  try {
    doc = obj(parser.parse(text, true));
  } catch (err) {
    throw invalid(`not well-formed XML: ${(err as Error).message.slice(0, 200)}`);
  }
  const stmts = list(obj(obj(doc.Document).BkToCstmrStmt).Stmt);
  if (stmts.length !== 1) throw invalid('expected one Document/BkToCstmrStmt/Stmt');
  const stmt = stmts[0] ?? {};
  const balances = list(stmt.Bal);
  const balance = (code: string) => {
    const b = balances.find((x) => str(obj(obj(x.Tp).CdOrPrtry).Cd) === code);
    if (!b) throw invalid(`no ${code} balance`);
    return { ...amountOf(b, code), day: str(obj(b.Dt).Dt) };
  };
  const opening = balance('OPBD');
  const closing = balance('CLBD');
  const currency = str(obj(stmt.Acct).Ccy) || closing.currency;
  if (currency !== 'CNY' || opening.currency !== 'CNY' || closing.currency !== 'CNY')
    throw invalid('only CNY statements are reconciled');
  const toDt = timeOf({ DtTm: obj(stmt.FrToDt).ToDtTm });
  const statementDate = closing.day || (toDt === null ? '' : cstDate(toDt));
  if (!statementDate) throw invalid('no statement date (CLBD Dt or FrToDt)');
  const cutOffAt = toDt ?? cstDateStart(statementDate) + DAY_MS - 1;

  const lines: StatementLine[] = list(stmt.Ntry).map((n, i) => {
    const what = `Ntry ${i + 1}`;
    const { fen, currency: c } = amountOf(n, what);
    if (fen === 0) throw invalid(`${what}: zero amount`);
    if (c !== 'CNY') throw invalid(`${what}: currency ${c}`);
    const booked = timeOf(obj(n.BookgDt)) ?? timeOf(obj(n.ValDt));
    if (booked === null) throw invalid(`${what}: no booking date`);
    const tx = list(obj(n.NtryDtls).TxDtls)[0] ?? {};
    const refs = obj(tx.Refs);
    const bankRef = str(n.AcctSvcrRef) || str(refs.AcctSvcrRef) || str(refs.EndToEndId);
    if (!bankRef || bankRef.length > 100) throw invalid(`${what}: no bank reference`);
    return {
      lineNo: i + 1,
      bookedAt: booked,
      amountFen: fen,
      bankRef,
      reversal: str(n.RvslInd) === 'true',
      description: (str(n.AddtlNtryInf) || str(tx.AddtlTxInf)).slice(0, 500),
    };
  });
  return checkStatementAddsUp({
    format: 'camt053',
    statementRef: str(stmt.Id),
    currency: 'CNY',
    statementDate,
    cutOffAt,
    openingFen: opening.fen,
    closingFen: closing.fen,
    lines,
  });
}
