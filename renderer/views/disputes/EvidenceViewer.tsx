import { useEffect, useRef, useState } from 'react';
import { useTr } from '../../app/StoresContext.tsx';
import { Modal } from '../../components/Modal.tsx';

/** Zoom steps for images; 1 is the file's own pixel size. */
const ZOOMS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4] as const;
/** Pages of a PDF rendered at once: evidence is a statement or a waybill, not a book. */
export const MAX_PDF_PAGES = 20;

export type ViewedFile =
  { kind: 'image'; name: string; src: string } | { kind: 'pdf'; name: string; bytes: Uint8Array };

/**
 * Evidence, looked at closely: an image with zoom, or a PDF's pages drawn by pdf.js onto
 * canvases. pdf.js parses the file in its own worker and runs none of the file's scripts
 * (no scripting, no eval), so a hostile PDF can at worst draw wrongly — it never becomes a page
 * of the desk.
 */
export function EvidenceViewer(props: { file: ViewedFile; onClose(): void }) {
  const tr = useTr();
  return (
    <Modal title={props.file.name} onClose={props.onClose} wide>
      <div className="viewer" data-testid="evidence-viewer">
        {props.file.kind === 'image' ? (
          <ImageZoom name={props.file.name} src={props.file.src} />
        ) : (
          <PdfPages bytes={props.file.bytes} />
        )}
      </div>
      <div className="actions">
        <button type="button" className="secondary" onClick={props.onClose}>
          {tr.t('dispute.viewer.close')}
        </button>
      </div>
    </Modal>
  );
}

function ImageZoom({ name, src }: { name: string; src: string }) {
  const tr = useTr();
  const [at, setAt] = useState<number>(ZOOMS.indexOf(1));
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const zoom = ZOOMS[at] ?? 1;
  return (
    <>
      <div className="viewer-tools" role="group" aria-label={tr.t('dispute.viewer.zoom')}>
        <button
          type="button"
          className="secondary small"
          disabled={at === 0}
          onClick={() => setAt(at - 1)}
          aria-label={tr.t('dispute.viewer.zoomOut')}
          data-testid="zoom-out"
        >
          −
        </button>
        <output data-testid="zoom-level">{`${Math.round(zoom * 100)}%`}</output>
        <button
          type="button"
          className="secondary small"
          disabled={at === ZOOMS.length - 1}
          onClick={() => setAt(at + 1)}
          aria-label={tr.t('dispute.viewer.zoomIn')}
          data-testid="zoom-in"
        >
          +
        </button>
        <button
          type="button"
          className="secondary small"
          onClick={() => setAt(ZOOMS.indexOf(1))}
          data-testid="zoom-reset"
        >
          {tr.t('dispute.viewer.actualSize')}
        </button>
      </div>
      <div className="viewer-canvas">
        <img
          src={src}
          alt={name}
          data-testid="viewer-image"
          onLoad={(e) =>
            setNatural({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })
          }
          style={natural ? { width: natural.w * zoom, height: natural.h * zoom } : undefined}
        />
      </div>
    </>
  );
}

function PdfPages({ bytes }: { bytes: Uint8Array }) {
  const tr = useTr();
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<
    { phase: 'loading' } | { phase: 'done'; pages: number; shown: number } | { phase: 'failed' }
  >({ phase: 'loading' });
  useEffect(() => {
    let live = true;
    let destroy: (() => void) | null = null;
    void (async () => {
      try {
        // Loaded on first use: the desk's start does not pay for pdf.js.
        const pdfjs = await import('pdfjs-dist');
        const workerUrl = (await import('pdfjs-dist/build/pdf.worker.min.mjs?url')).default;
        pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
        const task = pdfjs.getDocument({
          data: bytes.slice(),
          isEvalSupported: false,
          enableXfa: false,
          disableFontFace: true,
        });
        destroy = () => void task.destroy();
        const doc = await task.promise;
        const shown = Math.min(doc.numPages, MAX_PDF_PAGES);
        for (let n = 1; n <= shown && live; n++) {
          const page = await doc.getPage(n);
          const viewport = page.getViewport({ scale: 1.25 });
          const canvas = document.createElement('canvas');
          canvas.width = Math.ceil(viewport.width);
          canvas.height = Math.ceil(viewport.height);
          canvas.dataset.page = String(n);
          host.current?.append(canvas);
          await page.render({ canvas, viewport }).promise;
        }
        if (live) setState({ phase: 'done', pages: doc.numPages, shown });
      } catch {
        if (live) setState({ phase: 'failed' });
      }
    })();
    return () => {
      live = false;
      destroy?.();
    };
  }, [bytes]);
  return (
    <>
      <p className="muted" role="status" data-testid="pdf-status">
        {state.phase === 'loading'
          ? tr.t('dispute.common.loading')
          : state.phase === 'failed'
            ? tr.t('dispute.viewer.unreadable')
            : tr.t('dispute.viewer.pages', { shown: state.shown, pages: state.pages })}
      </p>
      <div className="viewer-canvas pdf-pages" ref={host} data-testid="pdf-pages" />
    </>
  );
}
