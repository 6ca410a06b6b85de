import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';

/**
 * Focus back to the opener if it is still on the page, else to the main region (a virtual
 * table may have recycled the row that opened the dialog).
 */
export function restoreFocus(opener: HTMLElement | null, doc: Document = document): void {
  const target =
    opener && opener.isConnected && opener !== doc.body ? opener : doc.getElementById('main');
  target?.focus({ preventScroll: true });
}

/**
 * A modal on the native <dialog>: the browser traps focus, Esc closes it, and the page behind
 * is inert, so keyboard and screen-reader users cannot wander out of an unfinished action.
 */
export function Modal(props: {
  title: string;
  onClose(): void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // The latest onClose, without reopening the dialog (and moving focus) on every render.
  const onCloseRef = useRef(props.onClose);
  useEffect(() => {
    onCloseRef.current = props.onClose;
  });
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // Whatever opened the dialog (a button, a grid row under a shortcut) gets focus back when
    // it closes, so keyboard users carry on where they were instead of at <body>.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
      restoreFocus(opener);
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`modal${props.wide ? ' modal-wide' : ''}`}
      aria-labelledby={titleId}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}
