import { useEffect, useState } from 'react';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import type { CaseDetail } from '../../stores/caseStore.ts';
import { saveFile } from '../../app/files.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { base64Bytes } from '../../app/files.ts';
import { EvidenceViewer } from './EvidenceViewer.tsx';
import type { ViewedFile } from './EvidenceViewer.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

type Evidence = CaseDetail['evidence']['buyer'][number];

/**
 * Evidence files with their hash check. Raster images are shown inline from the bytes the
 * server re-hashed before sending (as a data: URL, which the CSP allows for images only) and
 * open in a zoomable viewer; verified PDFs open in the viewer as pages drawn by pdf.js; every
 * other file is only ever saved as a download, never opened in the desk.
 */
export function EvidenceList(props: { claimId: string; files: Evidence[]; testId: string }) {
  const tr = useTr();
  if (props.files.length === 0) return <p className="muted">{tr.t('dispute.case.noEvidence')}</p>;
  return (
    <ul className="evidence" data-testid={props.testId}>
      {props.files.map((f) => (
        <EvidenceItem key={f.sha256} claimId={props.claimId} file={f} />
      ))}
    </ul>
  );
}

function EvidenceItem({ claimId, file }: { claimId: string; file: Evidence }) {
  const tr = useTr();
  const { desk } = useStores();
  const [image, setImage] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [viewing, setViewing] = useState<ViewedFile | null>(null);

  // Verified raster images are shown straight away; the bytes come re-hashed from the server.
  const showInline = file.verified && file.inline;
  useEffect(() => {
    if (!showInline) return;
    let live = true;
    void desk.disputes.evidenceFile({ claimId, sha256: file.sha256 }).then((r) => {
      if (!live) return;
      if (!r.ok) setError(r.error);
      else if (r.value.inline && /^image\/(png|jpeg|gif|webp)$/.test(r.value.mime))
        setImage(`data:${r.value.mime};base64,${r.value.base64}`);
    });
    return () => {
      live = false;
    };
  }, [desk, claimId, file.sha256, showInline]);

  async function fetchFile() {
    const r = await desk.disputes.evidenceFile({ claimId, sha256: file.sha256 });
    if (!r.ok) {
      setError(r.error);
      return null;
    }
    return r.value;
  }

  return (
    <li data-verified={file.verified}>
      <strong>{file.name}</strong>{' '}
      <span className="muted">
        {file.mime} · {file.sizeBytes} B
      </span>{' '}
      <span className={file.verified ? 'ok' : 'bad'} data-testid="evidence-check">
        {file.verified
          ? `✓ ${tr.t('dispute.evidence.verified')}`
          : `✗ ${tr.t(file.stored ? 'dispute.evidence.mismatch' : 'dispute.evidence.missing')}`}
      </span>
      <div className="mono small">sha256 {file.sha256}</div>
      {showInline && image ? (
        <button
          type="button"
          className="image-button"
          onClick={() => setViewing({ kind: 'image', name: file.name, src: image })}
          aria-label={tr.t('dispute.viewer.open', { name: file.name })}
          data-testid="view-image"
        >
          <img className="evidence-image" src={image} alt={file.name} />
        </button>
      ) : null}
      {file.pdf ? (
        <button
          type="button"
          className="secondary small"
          onClick={async () => {
            const v = await fetchFile();
            if (v) setViewing({ kind: 'pdf', name: file.name, bytes: base64Bytes(v.base64) });
          }}
          data-testid="view-pdf"
        >
          {tr.t('dispute.viewer.pdf')}
        </button>
      ) : null}
      {viewing ? <EvidenceViewer file={viewing} onClose={() => setViewing(null)} /> : null}
      {file.verified && !file.inline ? (
        <button
          type="button"
          className="secondary small"
          onClick={async () => {
            const v = await fetchFile();
            // Saved as opaque bytes: the desk never renders a document a buyer or seller sent.
            if (v) saveFile(v.name, 'application/octet-stream', base64Bytes(v.base64));
          }}
        >
          {tr.t('dispute.evidence.download')}
        </button>
      ) : null}
      <ErrorAlert error={error} />
    </li>
  );
}
