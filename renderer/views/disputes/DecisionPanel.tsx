import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { parseYuan } from '../../../shared/money.ts';
import { isDeskError } from '../../../shared/errors.ts';
import type { CaseDetail } from '../../stores/caseStore.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Modal } from '../../components/Modal.tsx';
import { nameOf } from './people.ts';

type Choice = 'approve_full' | 'approve_partial' | 'reject' | 'request_info';

/** Reason codes the desk offers; the server stores whatever code was chosen with the decision. */
export const REASON_CODES = {
  approve: ['item_not_received', 'item_not_as_described', 'counterfeit', 'seller_unreachable'],
  reject: ['insufficient_evidence', 'delivered_as_described', 'outside_policy', 'duplicate_claim'],
  request_info: ['need_bank_statement', 'need_photos', 'need_courier_record', 'need_chat_log'],
} as const;

/**
 * The agent's decision. The desk offers only what the shared rules allow the signed-in agent
 * now (`allowed` comes from the server's allowedCommands); the server decides in the end,
 * maker-checker included.
 */
export function DecisionPanel({ detail }: { detail: CaseDetail }) {
  const tr = useTr();
  const { openCase: kase } = useStores();
  const user = useStore(useStores().session, (s) => s.user);
  const busy = useStore(kase, (s) => s.busy);
  const outcome = useStore(kase, (s) => s.outcome);
  const { claim, allowed, secondApprovalThresholdFen, order } = detail;
  // Nothing is chosen for the agent: a decision is made on purpose, never by leaving a default.
  const [choice, setChoice] = useState<Choice | null>(null);
  const [amount, setAmount] = useState('');
  const [reasonCode, setReasonCode] = useState<string>('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  /** The decision waiting for the agent's confirmation of its amount and payer. */
  const [confirming, setConfirming] = useState<
    'decide' | 'second_approve' | 'second_refuse' | null
  >(null);
  const name = (userId: string) => nameOf(detail.people, userId);
  // Who pays, as the shared rules will decide it: escrow while the order still holds money,
  // otherwise the guarantee fund, recovered from the seller.
  const payer = tr.t(order.heldFen > 0 ? 'dispute.source.escrow' : 'dispute.source.guarantee_fund');
  // Reason codes are stable ids for the server; people read them in their language.
  const reasonLabel = (code: string | null) =>
    code === null ? '—' : tr.dyn(`dispute.reason.${code}`, code);

  const kind =
    choice === null
      ? null
      : choice === 'approve_full' || choice === 'approve_partial'
        ? 'approve'
        : choice;
  const codes = kind ? REASON_CODES[kind] : [];
  let amountFen: number | null = choice === 'approve_full' ? claim.amountFen : null;
  if (choice === 'approve_partial') {
    try {
      amountFen = parseYuan(amount);
    } catch (err) {
      amountFen = null;
      if (!isDeskError(err)) throw err;
    }
  }
  const overThreshold =
    kind === 'approve' && amountFen !== null && amountFen > secondApprovalThresholdFen;

  const status = (
    <div className="muted" role="status" data-testid="decision-outcome">
      {outcome ? (
        outcome.ok ? (
          tr.t('dispute.decision.sent')
        ) : (
          <ErrorText
            error={outcome.error}
            wrap={(message) => tr.t('dispute.decision.failed', { message })}
          />
        )
      ) : (
        ''
      )}
    </div>
  );

  if (claim.status === 'approved' || claim.status === 'rejected') {
    return (
      <section className="card" aria-labelledby="decision-title" data-testid="decision-done">
        <h2 id="decision-title">{tr.t('dispute.decision.title')}</h2>
        <p>
          {tr.t('dispute.decision.done', {
            status: tr.t(
              claim.status === 'approved'
                ? 'dispute.decision.approved'
                : 'dispute.decision.rejected',
            ),
            paid: tr.money(claim.paidFen),
            source: claim.source ? tr.t(`dispute.source.${claim.source}`) : '—',
            agents: claim.decidedBy.map(name).join(', '),
          })}
        </p>
        <p title={claim.reasonCode ?? undefined}>{reasonLabel(claim.reasonCode)}</p>
        {status}
      </section>
    );
  }

  if (claim.status === 'awaiting_second_approval' && claim.pendingApproval) {
    const mine = claim.pendingApproval.agentId === user?.userId;
    return (
      <section className="card" aria-labelledby="decision-title" data-testid="decision-second">
        <h2 id="decision-title">{tr.t('dispute.decision.title')}</h2>
        <p>
          {tr.t('dispute.decision.pending', {
            amount: tr.money(claim.pendingApproval.amountFen),
            agent: name(claim.pendingApproval.agentId),
          })}
        </p>
        <p className="muted">
          {reasonLabel(claim.pendingApproval.reasonCode)} · {claim.pendingApproval.note}
        </p>
        {mine ? <p className="muted">{tr.t('dispute.decision.ownApproval')}</p> : null}
        {allowed.includes('second_approval') ? (
          <div className="actions">
            <label>
              {tr.t('dispute.decision.checkNote')}
              <textarea
                value={note}
                maxLength={2000}
                required
                onChange={(e) => setNote(e.target.value)}
                data-testid="second-note"
              />
            </label>
            <button
              type="button"
              disabled={busy || !note.trim()}
              onClick={() => setConfirming('second_approve')}
              data-testid="second-approve"
            >
              {tr.t('dispute.decision.secondApprove')}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy || !note.trim()}
              onClick={() => setConfirming('second_refuse')}
              data-testid="second-refuse"
            >
              {tr.t('dispute.decision.secondRefuse')}
            </button>
          </div>
        ) : null}
        {confirming === 'second_approve' || confirming === 'second_refuse' ? (
          <ConfirmDecision
            title={tr.t(
              confirming === 'second_approve'
                ? 'dispute.decision.secondApprove'
                : 'dispute.decision.secondRefuse',
            )}
            lines={
              confirming === 'second_approve'
                ? [
                    tr.t('dispute.confirm.amount', {
                      amount: tr.money(claim.pendingApproval.amountFen),
                    }),
                    tr.t('dispute.confirm.payer', { payer }),
                    tr.t('dispute.confirm.to', { buyer: name(order.buyerId) }),
                  ]
                : [
                    tr.t('dispute.confirm.refuse', {
                      amount: tr.money(claim.pendingApproval.amountFen),
                    }),
                  ]
            }
            busy={busy}
            onCancel={() => setConfirming(null)}
            onConfirm={async () => {
              const ok = await kase
                .getState()
                .secondApproval(confirming === 'second_approve', note.trim());
              setConfirming(null);
              if (ok) setNote('');
            }}
          />
        ) : null}
        {status}
      </section>
    );
  }

  if (!allowed.includes('decide_claim')) return status;

  return (
    <section className="card" aria-labelledby="decision-title" data-testid="decision-form">
      <h2 id="decision-title">{tr.t('dispute.decision.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (kind === null) {
            setProblem(tr.t('dispute.decision.chooseFirst'));
            return;
          }
          if (kind === 'approve' && amountFen === null) {
            setProblem(tr.error({ code: 'invalid_amount' }));
            return;
          }
          if (!reasonCode) {
            setProblem(tr.t('dispute.decision.chooseReason'));
            return;
          }
          setProblem(null);
          setConfirming('decide');
        }}
      >
        <fieldset>
          {(['approve_full', 'approve_partial', 'reject', 'request_info'] as const).map((c) => (
            <label key={c} className="radio">
              <input
                type="radio"
                name="decision"
                value={c}
                checked={choice === c}
                onChange={() => {
                  setChoice(c);
                  // A reason chosen for another kind of decision does not carry over.
                  const k = c === 'approve_full' || c === 'approve_partial' ? 'approve' : c;
                  if (!(REASON_CODES[k] as readonly string[]).includes(reasonCode))
                    setReasonCode('');
                }}
                data-testid={`decision-${c}`}
              />{' '}
              {tr.t(
                c === 'approve_full'
                  ? 'dispute.decision.approveFull'
                  : c === 'approve_partial'
                    ? 'dispute.decision.approvePartial'
                    : c === 'reject'
                      ? 'dispute.decision.reject'
                      : 'dispute.decision.requestInfo',
              )}
              {c === 'approve_full' ? ` (${tr.money(claim.amountFen)})` : ''}
            </label>
          ))}
        </fieldset>
        {choice === 'approve_partial' ? (
          <label>
            {tr.t('dispute.decision.amount')}
            <input
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              data-testid="decision-amount"
            />
          </label>
        ) : null}
        <label>
          {tr.t('dispute.decision.reasonCode')}
          <select
            value={reasonCode}
            onChange={(e) => setReasonCode(e.target.value)}
            required
            disabled={kind === null}
            data-testid="decision-reason"
          >
            <option value="">{tr.t('dispute.decision.chooseReason')}</option>
            {codes.map((code) => (
              <option key={code} value={code}>
                {reasonLabel(code)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr.t('dispute.decision.note')}
          <textarea
            value={note}
            maxLength={2000}
            required
            onChange={(e) => setNote(e.target.value)}
            data-testid="decision-note"
          />
        </label>
        {overThreshold ? (
          <p className="warn" data-testid="threshold-warning">
            {tr.t('dispute.decision.threshold', {
              threshold: tr.money(secondApprovalThresholdFen),
            })}
          </p>
        ) : null}
        {problem ? (
          <p role="alert" className="bad">
            {problem}
          </p>
        ) : null}
        <button type="submit" disabled={busy} data-testid="decision-submit">
          {tr.t('dispute.decision.submit')}
        </button>
      </form>
      {confirming === 'decide' && kind !== null ? (
        <ConfirmDecision
          title={tr.t('dispute.decision.confirmTitle')}
          lines={
            kind === 'approve' && amountFen !== null
              ? [
                  tr.t('dispute.confirm.amount', { amount: tr.money(amountFen) }),
                  tr.t('dispute.confirm.payer', { payer }),
                  tr.t('dispute.confirm.to', { buyer: name(order.buyerId) }),
                  ...(overThreshold ? [tr.t('dispute.confirm.waitsForCheck')] : []),
                ]
              : [
                  tr.t(
                    kind === 'reject' ? 'dispute.confirm.reject' : 'dispute.confirm.requestInfo',
                  ),
                  tr.t('dispute.confirm.noMoney'),
                ]
          }
          busy={busy}
          onCancel={() => setConfirming(null)}
          onConfirm={async () => {
            const ok = await kase.getState().decide({
              decision: kind,
              ...(kind === 'approve' && amountFen !== null ? { amountFen } : {}),
              reasonCode,
              note,
            });
            setConfirming(null);
            if (ok) {
              setNote('');
              setChoice(null);
              setReasonCode('');
            }
          }}
        />
      ) : null}
      {status}
    </section>
  );
}

/** Says what is about to happen (amount, who pays, to whom) before a decision is sent. */
function ConfirmDecision(props: {
  title: string;
  lines: string[];
  busy: boolean;
  onCancel(): void;
  onConfirm(): void;
}) {
  const tr = useTr();
  return (
    <Modal title={props.title} onClose={props.onCancel}>
      <ul className="confirm-lines" data-testid="confirm-lines">
        {props.lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      <div className="actions">
        <button
          type="button"
          disabled={props.busy}
          onClick={props.onConfirm}
          data-testid="confirm-decision"
        >
          {tr.t('dispute.decision.confirm')}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {tr.t('dispute.decision.cancel')}
        </button>
      </div>
    </Modal>
  );
}
