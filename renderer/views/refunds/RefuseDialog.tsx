import { useState } from 'react';
import type { FormEvent } from 'react';
import { useStore } from 'zustand';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { bytesBase64 } from '../../app/files.ts';
import { Modal } from '../../components/Modal.tsx';
import type { ErrorLike } from '../../i18n/translate.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import type { EvidenceRef } from '../../../shared/escrow/types.ts';
import { REFUND_FILES_MAX, REFUSAL_EVIDENCE_TYPES } from '../../../shared/escrow/refundEvidence.ts';

/** The usual reasons a seller refuses, offered first so most refusals need no typing. */
export const REFUSAL_PRESETS = [
  'as_described',
  'not_returned',
  'damaged_by_buyer',
  'used',
  'past_period',
] as const;

/** The upload route's size bound per file (server `maxEvidenceBytes`, 5 MiB by default). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Refusing a refund needs a reason the buyer (and, if they escalate, an agent) will read: a
 * preset fills it in the seller's language, and it can be edited before sending. Evidence
 * (images or PDF) is uploaded first, then the refusal cites it: the server applies the refusal
 * and its evidence in one transaction, so a failed upload leaves no refusal behind and a
 * refused refusal attaches nothing. Uploads need the server; offline the dialog says so and a
 * refusal without evidence still queues like any other action.
 */
export function RefuseDialog(props: { orderId: string; refundId: string }) {
  const stores = useStores();
  const tr = useTr();
  const status = useStore(stores.sync, (s) => s.status);
  const offline = status !== null && (status.state === 'offline' || status.online === false);
  const [reason, setReason] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<ErrorLike | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const close = () => stores.dialogs.getState().close();

  /** Refuses files the server would refuse before anything is sent, naming the file. */
  function pick(list: File[]) {
    setError(null);
    if (list.length > REFUND_FILES_MAX)
      return setError({ code: 'too_many_files', message: String(list.length) });
    const big = list.find((f) => f.size > MAX_FILE_BYTES);
    if (big) return setError({ code: 'payload_too_large', message: big.name });
    setFiles(list);
  }

  async function upload(): Promise<EvidenceRef[] | null> {
    const refs: EvidenceRef[] = [];
    setProgress({ done: 0, total: files.length });
    for (const f of files) {
      const up = await stores.desk.refunds.uploadEvidence({
        name: f.name,
        mime: f.type || 'application/octet-stream',
        base64: bytesBase64(new Uint8Array(await f.arrayBuffer())),
      });
      if (!up.ok) {
        setError(up.error);
        return null;
      }
      // The server typed the file by its bytes; a page renamed .pdf is named here, not sent.
      if (!REFUSAL_EVIDENCE_TYPES.includes(up.value.evidence.mime)) {
        setError({ code: 'evidence_type_not_allowed', message: f.name });
        return null;
      }
      refs.push(up.value.evidence);
      setProgress({ done: refs.length, total: files.length });
    }
    return refs;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim() === '') {
      setError({ code: 'reason_required' });
      return;
    }
    setBusy(true);
    setError(null);
    const evidence = files.length > 0 ? await upload() : [];
    setProgress(null);
    if (evidence === null) {
      setBusy(false);
      return;
    }
    const r = await stores.commands.refuseRefund(
      props.orderId,
      props.refundId,
      reason.trim(),
      evidence,
    );
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    stores.dialogs
      .getState()
      .announce(
        evidence.length > 0
          ? tr.t('money.refusedWithEvidence', { orderId: props.orderId, count: evidence.length })
          : tr.t('money.refused', { orderId: props.orderId }),
        'ok',
      );
    close();
  }

  return (
    <Modal title={`${tr.t('refunds.refuseSubmit')} · ${props.orderId}`} onClose={close}>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <label className="field">
          <span>{tr.t('refunds.preset')}</span>
          <select
            value=""
            data-testid="refuse-preset"
            onChange={(e) => {
              if (e.target.value) setReason(tr.dyn(`refunds.preset.${e.target.value}`, ''));
            }}
          >
            <option value="">{tr.t('refunds.presetPick')}</option>
            {REFUSAL_PRESETS.map((p) => (
              <option key={p} value={p}>
                {tr.dyn(`refunds.preset.${p}`, p)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{tr.t('refunds.refuseReason')}</span>
          <textarea
            value={reason}
            maxLength={200}
            rows={3}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby="refuse-error"
            data-testid="refuse-reason"
          />
        </label>
        <label className="field">
          <span>{tr.t('refunds.evidence', { max: REFUND_FILES_MAX })}</span>
          <input
            type="file"
            multiple
            accept="image/png,image/jpeg,image/gif,image/webp,application/pdf"
            disabled={offline || busy}
            aria-describedby="refuse-evidence-note"
            data-testid="refuse-evidence"
            onChange={(e) => pick([...(e.target.files ?? [])])}
          />
        </label>
        {files.length > 0 ? (
          <ul className="refuse-files" data-testid="refuse-files">
            {files.map((f) => (
              <li key={f.name}>{f.name}</li>
            ))}
          </ul>
        ) : null}
        <p id="refuse-evidence-note" className="muted" data-testid="refuse-evidence-note">
          {offline ? tr.t('refunds.evidenceOffline') : tr.t('refunds.evidenceNote')}
        </p>
        {/* What will happen, before it does. */}
        <p className="muted" data-testid="refuse-outcome">
          {tr.t('refunds.refuseOutcome', { count: files.length })}
        </p>
        {progress ? (
          <p role="status" data-testid="refuse-progress">
            {tr.t('refunds.uploading', { done: progress.done, total: progress.total })}
          </p>
        ) : null}
        <div id="refuse-error" className="error" role="alert">
          {error?.code === 'reason_required' ? (
            tr.t('refunds.reasonRequired')
          ) : error ? (
            <ErrorText error={error} />
          ) : null}
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={close}>
            {tr.t('ship.cancel')}
          </button>
          <button type="submit" disabled={busy} className="danger" data-testid="refuse-submit">
            {tr.t('refunds.refuseSubmit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
