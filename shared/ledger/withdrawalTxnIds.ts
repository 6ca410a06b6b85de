/**
 * A withdrawal's journal rows carry its id in their transaction ids, so the pure verifier can
 * tie the reserve to the one settlement (paid or returned) without a side table: the server,
 * a seller's replica and the simulator all check the same thing from the rows they hold.
 */
export type WithdrawalStep = 'reserve' | 'paid' | 'returned';

export const WITHDRAWAL_ID_PATTERN = /^[A-Za-z0-9_.-]{1,80}$/;

export function withdrawalTxnId(withdrawalId: string, step: WithdrawalStep): string {
  return `wd:${withdrawalId}:${step}`;
}

const TXN = /^wd:([A-Za-z0-9_.-]{1,80}):(reserve|paid|returned)$/;

export function parseWithdrawalTxnId(
  txnId: string,
): { withdrawalId: string; step: WithdrawalStep } | null {
  const m = TXN.exec(txnId);
  return m ? { withdrawalId: m[1] ?? '', step: (m[2] ?? 'reserve') as WithdrawalStep } : null;
}
