import { useEffect, useState } from 'react';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { base64Bytes, saveFile } from '../../app/files.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Modal } from '../../components/Modal.tsx';
import type { ErrorInfo } from '../../../shared/errors.ts';
import type { EvidenceRef, RefundState } from '../../../shared/escrow/types.ts';
import { EvidenceViewer } from '../disputes/EvidenceViewer.tsx';
import type { ViewedFile } from '../disputes/EvidenceViewer.tsx';

/** Raster images only are drawn; the type is the one the server sniffed from the bytes. */
const DRAWN = /^image\/(png|jpeg|gif|webp)$/;

/**
 * What a refund rests on: the buyer's reason and photos, and, once refused, the seller's reason
 * and evidence. Reasons and the list of files come from the replica (so they show offline); the
 * files themselves come from the server when the dialog opens, and offline the dialog says they
 * need a connection.
 */
export function RefundFilesDialog(props: { orderId: string; refundId: string }) {
  const stores = useStores();
  const tr = useTr();
  const [refund, setRefund] = useState<RefundState | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const close = () => stores.dialogs.getState().close();

  useEffect(() => {
    let live = true;
    void stores.desk.orders.get({ orderId: props.orderId }).then((r) => {
      if (!live) return;
      if (!r.ok) return setError(r.error);
      const found = r.value.order.refunds.find((x) => x.refundId === props.refundId);
      if (found) setRefund(found as RefundState);
      else setError({ code: 'refund_not_found', message: props.refundId });
    });
    return () => {
      live = false;
    };
  }, [stores, props.orderId, props.refundId]);

  return (
    <Modal title={`${tr.t('refunds.files.title')} · ${props.orderId}`} onClose={close} wide>
      <ErrorAlert error={error} />
      {refund ? (
        <div className="refund-files" data-testid="refund-files">
          <h3>{tr.t('refunds.buyerReason')}</h3>
          <p data-testid="refund-files-reason">{refund.reason}</p>
          <FileList {...props} files={refund.buyerEvidence ?? []} testId="buyer-photos" />
          {refund.refuseReason !== null ? (
            <>
              <h3>{tr.t('refunds.files.refusal')}</h3>
              <p data-testid="refund-files-refusal">{refund.refuseReason}</p>
              <FileList {...props} files={refund.sellerEvidence ?? []} testId="seller-evidence" />
            </>
          ) : null}
        </div>
      ) : null}
      <div className="actions">
        <button type="button" className="secondary" onClick={close}>
          {tr.t('dispute.viewer.close')}
        </button>
      </div>
    </Modal>
  );
}

function FileList(props: {
  orderId: string;
  refundId: string;
  files: readonly EvidenceRef[];
  testId: string;
}) {
  const tr = useTr();
  if (props.files.length === 0)
    return (
      <p className="muted" data-testid={props.testId}>
        {tr.t('refunds.files.none')}
      </p>
    );
  return (
    <ul className="evidence refund-thumbs" data-testid={props.testId}>
      {props.files.map((f) => (
        <RefundFile key={f.sha256} orderId={props.orderId} refundId={props.refundId} file={f} />
      ))}
    </ul>
  );
}

type Fetched = { name: string; mime: string; base64: string };

function RefundFile(props: { orderId: string; refundId: string; file: EvidenceRef }) {
  const tr = useTr();
  const { desk } = useStores();
  const [fetched, setFetched] = useState<Fetched | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [viewing, setViewing] = useState<ViewedFile | null>(null);
  const { orderId, refundId, file } = props;

  useEffect(() => {
    let live = true;
    void desk.refunds.file({ orderId, refundId, sha256: file.sha256 }).then((r) => {
      if (!live) return;
      if (r.ok) setFetched(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [desk, orderId, refundId, file.sha256]);

  const image =
    fetched && DRAWN.test(fetched.mime) ? `data:${fetched.mime};base64,${fetched.base64}` : null;
  return (
    <li data-testid="refund-file">
      {image ? (
        <button
          type="button"
          className="image-button"
          onClick={() => setViewing({ kind: 'image', name: file.name, src: image })}
          aria-label={tr.t('dispute.viewer.open', { name: file.name })}
          data-testid="refund-thumb"
        >
          <img className="refund-thumb" src={image} alt={file.name} />
        </button>
      ) : null}
      {fetched && fetched.mime === 'application/pdf' ? (
        <button
          type="button"
          className="secondary small"
          onClick={() =>
            setViewing({ kind: 'pdf', name: file.name, bytes: base64Bytes(fetched.base64) })
          }
          data-testid="refund-pdf"
        >
          {tr.t('dispute.viewer.pdf')}
        </button>
      ) : null}
      {fetched && !image && fetched.mime !== 'application/pdf' ? (
        <button
          type="button"
          className="secondary small"
          // Saved as opaque bytes: the desk never renders a document someone else sent.
          onClick={() =>
            saveFile(file.name, 'application/octet-stream', base64Bytes(fetched.base64))
          }
        >
          {tr.t('dispute.evidence.download')}
        </button>
      ) : null}
      <div className="small">
        <strong>{file.name}</strong>{' '}
        <span className="muted">
          {tr.t('refunds.files.size', { kb: Math.ceil(file.sizeBytes / 1024) })}
        </span>
      </div>
      {error?.code === 'evidence_needs_connection' ? (
        <p className="muted" role="status" data-testid="refund-file-offline">
          {tr.t('refunds.files.needConnection')}
        </p>
      ) : (
        <ErrorAlert error={error} />
      )}
      {viewing ? (
        // The viewer's styles are the dispute desk's (styles/disputes.css), scoped to it.
        <div className="disputes">
          <EvidenceViewer file={viewing} onClose={() => setViewing(null)} />
        </div>
      ) : null}
    </li>
  );
}
