import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { isTyping } from '../../app/keyboard.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { AuditTrail } from './AuditTrail.tsx';
import { DecisionPanel } from './DecisionPanel.tsx';
import type { CaseDetail } from '../../stores/caseStore.ts';
import { base64Bytes, saveFile } from '../../app/files.ts';
import { EvidenceList } from './EvidenceList.tsx';
import { Countdown } from '../../components/Countdown.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { nameOf } from './people.ts';
import { CaseMessages } from './CaseMessages.tsx';

/** One case: everything an agent needs to judge it, and the decision. */
export function CaseView() {
  const tr = useTr();
  const { openCase: kase } = useStores();
  const { detail, error, loading, claimId } = useStore(kase);
  const { desk, caseQueue } = useStores();
  const orderId = detail?.order.orderId;
  // A decision reaches the server through sync, and other agents act on the same case: reload
  // when the desk reports the order changed, and every few seconds while the case is open.
  // Esc goes back to the queue (as the footer says), onto the row of the case just left.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || isTyping(e.target) || document.querySelector('dialog[open]'))
        return;
      const left = kase.getState().claimId;
      kase.getState().close();
      if (left) caseQueue.setState({ cursor: left });
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [kase, caseQueue]);
  useEffect(() => {
    if (!orderId) return;
    const off = desk.subscribe('orders.changed', (p) => {
      if (p.orderIds.includes(orderId)) void kase.getState().reload();
    });
    const timer = setInterval(() => void kase.getState().reload(), 4000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [desk, kase, orderId]);
  return (
    <section className="view disputes case" aria-labelledby="case-title" data-testid="case-view">
      <div>
        <button
          type="button"
          className="secondary small back"
          onClick={() => kase.getState().close()}
          data-testid="case-back"
        >
          {tr.t('dispute.case.back')}
        </button>
      </div>
      <h1 id="case-title">{tr.t('dispute.case.title', { claimId: claimId ?? '' })}</h1>
      {error ? (
        <div role="alert" className="bad">
          <ErrorText error={error} wrap={(message) => tr.t('dispute.common.error', { message })} />
        </div>
      ) : null}
      {!detail && loading ? <p className="muted">{tr.t('dispute.common.loading')}</p> : null}
      {detail ? <CaseBody detail={detail} /> : null}
    </section>
  );
}

function CaseBody({ detail }: { detail: CaseDetail }) {
  const tr = useTr();
  const { desk, session } = useStores();
  const user = useStore(session, (s) => s.user);
  const { openCase: kase } = useStores();
  const busy = useStore(kase, (s) => s.busy);
  const offset = useStore(kase, (s) => s.serverOffsetMs);
  const { summary, order, claim, sellerHistory: h } = detail;
  const [note, setNote] = useState('');
  const name = (userId: string) => nameOf(detail.people, userId);

  return (
    <div className="case-grid">
      <div className="case-head" data-testid="case-head">
        <span className={`badge priority-${summary.priority}`}>
          {tr.t(`dispute.priority.${summary.priority}`)}
        </span>{' '}
        <strong data-testid="case-status">{tr.t(`dispute.status.${summary.deskStatus}`)}</strong> ·{' '}
        {order.orderId} · {summary.merchantName ?? order.merchantId} · {name(order.buyerId)}
        <ul className="deadlines">
          {summary.deadlines.map((d) => (
            <li key={d.kind}>
              {tr.t(`dispute.deadline.${d.kind}`)}:{' '}
              <Countdown at={d.dueAt - offset} moneyMoves={d.kind !== 'agent_sla'} />
            </li>
          ))}
        </ul>
        <p data-testid="case-assignee">
          {summary.assignee
            ? tr.t('dispute.case.assignedTo', { agent: name(summary.assignee) })
            : tr.t('dispute.case.unassigned')}{' '}
          {summary.assignee !== user?.userId ? (
            <button
              type="button"
              className="small"
              disabled={busy}
              onClick={() => void kase.getState().assign(true)}
              data-testid="assign-me"
            >
              {tr.t('dispute.case.assignToMe')}
            </button>
          ) : (
            <button
              type="button"
              className="secondary small"
              disabled={busy}
              onClick={() => void kase.getState().assign(false)}
              data-testid="unassign"
            >
              {tr.t('dispute.case.unassign')}
            </button>
          )}
          {detail.allowed.includes('request_seller_evidence') ? (
            <button
              type="button"
              className="secondary small"
              disabled={busy}
              onClick={() => void kase.getState().requestSellerEvidence()}
              data-testid="request-evidence"
            >
              {tr.t('dispute.case.requestEvidence')}
            </button>
          ) : null}
        </p>
        <p className="muted small" data-testid="case-zone">
          {tr.t('dispute.case.timeZone', { zone: tr.timeZone })}
        </p>
      </div>

      <section className="card" aria-labelledby="claim-title">
        <h2 id="claim-title">{tr.t('dispute.case.claim')}</h2>
        <p>
          {tr.t('dispute.case.claimed', {
            amount: tr.money(claim.amountFen),
            orderAmount: tr.money(order.amountFen),
          })}{' '}
          · {tr.date(claim.filedAt)}
        </p>
        <p>
          <span className="muted">{tr.t('dispute.case.reason')}:</span> {claim.reason}
        </p>
        <h3>{tr.t('dispute.case.buyerEvidence')}</h3>
        <EvidenceList
          claimId={claim.claimId}
          files={detail.evidence.buyer}
          testId="buyer-evidence"
        />
        <h3>{tr.t('dispute.case.sellerEvidence')}</h3>
        {claim.sellerNote ? (
          <p>
            <span className="muted">{tr.t('dispute.case.sellerNote')}:</span> {claim.sellerNote}
          </p>
        ) : null}
        <EvidenceList
          claimId={claim.claimId}
          files={detail.evidence.seller}
          testId="seller-evidence"
        />
      </section>

      <DecisionPanel detail={detail} />

      <section className="card wide" aria-labelledby="postings-title">
        <h2 id="postings-title">{tr.t('dispute.case.postings')}</h2>
        <table className="table compact" data-testid="case-postings">
          <tbody>
            {detail.postings.flatMap((p) =>
              p.legs.map((leg, i) => (
                <tr
                  key={`${p.txnId}-${i}`}
                  className={p.forThisClaim ? 'this-claim' : undefined}
                  data-claim-leg={p.forThisClaim}
                >
                  <td>{i === 0 ? `#${p.seq} ${p.kind}` : ''}</td>
                  <td>{i === 0 ? tr.date(p.at) : ''}</td>
                  <td className="mono">{leg.account}</td>
                  <td className="num">{leg.amountFen > 0 ? tr.money(leg.amountFen) : ''}</td>
                  <td className="num">{leg.amountFen < 0 ? tr.money(-leg.amountFen) : ''}</td>
                  <td>
                    {i === 0 && p.forThisClaim ? (
                      <span className="badge">{tr.t('dispute.case.thisClaim')}</span>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </section>

      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{tr.t('dispute.case.timeline')}</h2>
        <ol className="timeline" data-testid="case-timeline">
          {detail.timeline.map((e) => (
            <li key={e.version}>
              <time dateTime={new Date(e.at).toISOString()}>{tr.date(e.at)}</time> ·{' '}
              {tr.dyn(`event.${e.type}`, e.type)} ·{' '}
              <span className="muted">
                {e.actorId ? name(e.actorId) : tr.t('dispute.case.system')}
              </span>
            </li>
          ))}
        </ol>
      </section>

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">{tr.t('dispute.case.history')}</h2>
        <p data-testid="seller-history">
          {tr.t('dispute.case.historyLine', {
            orders: h.orders,
            completed: h.completedOrders,
            claims: h.claims,
            approved: h.claimsApproved,
            rejected: h.claimsRejected,
            paid: tr.money(h.compensationPaidFen),
            recovered: tr.money(h.compensationRecoveredFen),
            deposit: tr.money(h.depositFen),
            available: tr.money(h.availableFen),
          })}
        </p>
      </section>

      <section className="card" aria-labelledby="notes-title">
        <h2 id="notes-title">{tr.t('dispute.case.notes')}</h2>
        <ul className="notes" data-testid="case-notes">
          {detail.notes.map((n) => (
            <li key={n.noteId}>
              <span className="muted">
                {name(n.authorId)} · {tr.date(n.createdAt)}
              </span>
              <p>{n.body}</p>
            </li>
          ))}
        </ul>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (note.trim() && (await kase.getState().addNote(note.trim()))) setNote('');
          }}
        >
          <textarea
            aria-label={tr.t('dispute.case.addNote')}
            placeholder={tr.t('dispute.case.notePlaceholder')}
            value={note}
            maxLength={4000}
            onChange={(e) => setNote(e.target.value)}
            data-testid="note-input"
          />
          <button
            type="submit"
            className="small"
            disabled={busy || !note.trim()}
            data-testid="note-add"
          >
            {tr.t('dispute.case.addNote')}
          </button>
        </form>
      </section>

      <CaseMessages detail={detail} />

      <AuditTrail detail={detail} />

      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            const r = await desk.disputes.auditExport({ claimId: claim.claimId });
            if (r.ok)
              saveFile(
                r.value.fileName,
                'application/x-ndjson',
                new TextEncoder().encode(r.value.text),
              );
          }}
          data-testid="export-audit"
        >
          {tr.t('dispute.case.exportAudit')}
        </button>
        {summary.deskStatus === 'decided' ? (
          <button
            type="button"
            className="secondary"
            onClick={async () => {
              // The pack prints times in this agent's zone, as the desk shows them.
              const r = await desk.disputes.evidencePack({
                claimId: claim.claimId,
                timeZone: tr.timeZone,
              });
              if (r.ok) saveFile(r.value.fileName, 'application/pdf', base64Bytes(r.value.base64));
              await kase.getState().reload();
            }}
            data-testid="export-pack"
          >
            {tr.t('dispute.case.exportPack')}
          </button>
        ) : null}
      </div>
    </div>
  );
}
