import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../shared/contract/types.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import type { CaseDetail } from '../../stores/caseStore.ts';
import { nameOf } from './people.ts';

type Chain = MethodOutput<'disputes.audit'>['chain'];

const statusOf = (v: unknown): string | null =>
  typeof v === 'object' && v !== null && 'status' in v ? String(v.status) : null;
const assigneeOf = (v: unknown): string | null | undefined =>
  typeof v === 'object' && v !== null && 'assignee' in v
    ? (v.assignee as string | null)
    : undefined;

/** Who did what to the case and when, with before → after, and whether the hash chain holds. */
export function AuditTrail({ detail }: { detail: CaseDetail }) {
  const tr = useTr();
  const { desk } = useStores();
  const [chain, setChain] = useState<Chain | null>(null);
  // Claim states are codes in the audit rows; the desk's words for them, the code as fallback.
  const stateLabel = (s: string | null) =>
    s === null ? null : tr.dyn(`dispute.status.${s}`, tr.dyn(`dispute.claim.${s}`, s));
  const claimId = detail.claim.claimId;
  const rows = detail.audit.length;

  useEffect(() => {
    let live = true;
    void desk.disputes.audit({ claimId }).then((r) => {
      if (live && r.ok) setChain(r.value.chain);
    });
    return () => {
      live = false;
    };
  }, [desk, claimId, rows]);

  return (
    <section className="card wide" aria-labelledby="audit-title">
      <h2 id="audit-title">{tr.t('dispute.case.audit')}</h2>
      {chain ? (
        <p className={chain.ok ? 'ok' : 'bad'} data-testid="audit-chain" data-ok={chain.ok}>
          {chain.ok
            ? `✓ ${tr.t('dispute.case.chainOk', { rows: chain.rows, head: chain.headSeq })}`
            : `✗ ${tr.t('dispute.case.chainBroken', {
                problems: chain.problems
                  .map((p) => `#${p.seq} ${tr.dyn(`dispute.audit.${p.code}`, p.code)}`)
                  .join(', '),
              })}`}
        </p>
      ) : null}
      <table className="table compact" data-testid="audit-rows">
        <tbody>
          {detail.audit.map((a) => {
            const from = stateLabel(statusOf(a.before)) ?? assigneeOf(a.before);
            const to = stateLabel(statusOf(a.after)) ?? assigneeOf(a.after);
            return (
              <tr key={a.seq}>
                <td>#{a.seq}</td>
                <td>{tr.date(a.at)}</td>
                <td title={a.actorId}>{nameOf(detail.people, a.actorId)}</td>
                <td title={a.action}>{tr.dyn(`action.${a.action}`, a.action)}</td>
                <td>
                  {from !== undefined || to !== undefined ? `${from ?? '—'} → ${to ?? '—'}` : ''}
                </td>
                <td className="mono small" title={a.hash}>
                  {a.hash.slice(0, 12)}…
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
