/** A CSV amount in yuan with two decimals ("-1606.81") as integer fen, without a float. */
export function fenOf(yuan: string): number {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(yuan);
  if (!m) throw new Error(`not a two-decimal amount: ${JSON.stringify(yuan)}`);
  const fen = Number(m[2]) * 100 + Number(m[3]);
  return m[1] ? -fen : fen;
}
