import { useCallback, useEffect, useState } from 'react';
import { uuidv7 } from '../../../shared/ids.ts';
import type { MethodOutput } from '../../../shared/contract/types.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { Countdown } from '../../components/Countdown.tsx';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { bytesBase64 } from '../../app/files.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

type SellerClaim = MethodOutput<'disputes.sellerClaims'>['claims'][number];

/** The seller desk's side of claims: what is claimed against the shop, by when to answer, and how. */
export function SellerClaimsView() {
  const tr = useTr();
  const { desk } = useStores();
  const [claims, setClaims] = useState<SellerClaim[]>([]);
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<ErrorInfo | null>(null);
  // Kept here, not in the form: a sent claim usually leaves `awaiting_seller_evidence` and the
  // form unmounts, but the seller still needs to see that the evidence went.
  const [sent, setSent] = useState<ReadonlySet<string>>(new Set());
  const load = useCallback(
    () =>
      desk.disputes.sellerClaims({}).then((r) => {
        if (r.ok) {
          setClaims(r.value.claims);
          setOffset(r.value.now - Date.now());
          setError(null);
        } else setError(r.error);
      }),
    [desk],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section
      className="view disputes"
      aria-labelledby="seller-claims-title"
      data-testid="seller-claims"
    >
      <div className="view-head">
        <h1 id="seller-claims-title">{tr.t('dispute.seller.title')}</h1>
      </div>
      {error ? (
        <div role="alert" className="bad">
          <ErrorText error={error} wrap={(message) => tr.t('dispute.common.error', { message })} />
        </div>
      ) : null}
      {claims.length === 0 && !error ? (
        <p className="muted">{tr.t('dispute.seller.empty')}</p>
      ) : null}
      {claims.map((c) => (
        <article key={c.claimId} className="card" data-testid={`seller-claim-${c.claimId}`}>
          <h2>
            {c.claimId} · {c.itemTitle} · {tr.money(c.amountFen)}
          </h2>
          <p>
            <strong data-testid="seller-claim-status">{tr.t(`dispute.claim.${c.status}`)}</strong> ·{' '}
            {tr.date(c.filedAt)} · {c.reason}
          </p>
          {c.evidenceDueAt !== null ? (
            <p>
              {tr.t('dispute.seller.due')}: <Countdown at={c.evidenceDueAt - offset} moneyMoves />
            </p>
          ) : null}
          {c.sellerEvidence.length > 0 ? (
            <ul>
              {c.sellerEvidence.map((e) => (
                <li key={e.sha256}>
                  {e.name} <span className="mono small">{e.sha256.slice(0, 16)}…</span>
                </li>
              ))}
            </ul>
          ) : null}
          {c.messages.length > 0 ? (
            <div data-testid="platform-messages">
              <h3>{tr.t('dispute.seller.messages')}</h3>
              <ul className="notes">
                {c.messages.map((m) => (
                  <li key={m.messageId}>
                    <span className="muted">{tr.date(m.createdAt)}</span>
                    <p>{m.body}</p>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {c.status === 'awaiting_seller_evidence' ? (
            <EvidenceForm
              claim={c}
              onSent={async () => {
                setSent((s) => new Set(s).add(c.claimId));
                await load();
              }}
            />
          ) : null}
          {sent.has(c.claimId) ? <p role="status">{tr.t('dispute.seller.sent')}</p> : null}
        </article>
      ))}
    </section>
  );
}

function EvidenceForm({ claim, onSent }: { claim: SellerClaim; onSent(): Promise<void> }) {
  const tr = useTr();
  const { desk } = useStores();
  const [files, setFiles] = useState<File[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<ErrorInfo | null>(null);
  /** Files uploaded so far of those chosen, while the upload runs. */
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const evidence = [];
        setProgress({ done: 0, total: files.length });
        for (const f of files) {
          const up = await desk.disputes.uploadEvidence({
            name: f.name,
            mime: f.type || 'application/octet-stream',
            base64: bytesBase64(new Uint8Array(await f.arrayBuffer())),
          });
          if (!up.ok) {
            setBusy(false);
            setProgress(null);
            setMessage(up.error);
            return;
          }
          evidence.push(up.value.evidence);
          setProgress({ done: evidence.length, total: files.length });
        }
        setProgress(null);
        // The evidence itself is an escrow command; it travels with the desk's other actions.
        const r = await desk.claims.submitSellerEvidence({
          commandId: uuidv7(),
          orderId: claim.orderId,
          claimId: claim.claimId,
          note,
          evidence,
        });
        setBusy(false);
        setMessage(r.ok ? null : r.error);
        if (r.ok) await onSent();
      }}
    >
      <label>
        {tr.t('dispute.seller.files')}
        <input type="file" multiple onChange={(e) => setFiles([...(e.target.files ?? [])])} />
      </label>
      <label>
        {tr.t('dispute.seller.note')}
        <textarea value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        {tr.t('dispute.seller.submit')}
      </button>
      {progress ? (
        <p role="status">
          <progress max={progress.total} value={progress.done} aria-hidden="true" />{' '}
          {tr.t('dispute.seller.uploading', progress)}
        </p>
      ) : null}
      {message ? (
        <div role="alert">
          <ErrorText error={message} />
        </div>
      ) : null}
    </form>
  );
}
