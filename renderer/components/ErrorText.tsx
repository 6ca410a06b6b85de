import { useTr } from '../app/StoresContext.tsx';
import type { ErrorLike } from '../i18n/translate.ts';

/**
 * An error as the user reads it: the human message for its code (what happened, what to do
 * next), optionally inside a sentence of the view (`wrap`), and the raw code and server message
 * in a closed <details> fold for support. Block content: put it in a <div>, not a <p>.
 */
export function ErrorText(props: {
  error: ErrorLike;
  wrap?: (message: string) => string;
  /** A human message of the view's own, where the code alone says too little. */
  text?: string;
}) {
  const tr = useTr();
  const human = props.text ?? tr.error(props.error);
  return (
    <>
      <span className="error-human">{props.wrap ? props.wrap(human) : human}</span>
      <details className="error-details" data-testid="error-details">
        <summary>{tr.t('error.details')}</summary>
        <code>
          {props.error.code}
          {props.error.message ? `: ${props.error.message}` : ''}
        </code>
      </details>
    </>
  );
}
