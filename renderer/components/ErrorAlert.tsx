import type { ErrorInfo } from '../../shared/errors.ts';
import { ErrorText } from './ErrorText.tsx';

/** A view's error, announced: its message in the user's language, the details folded. */
export function ErrorAlert(props: { error: ErrorInfo | null }) {
  if (!props.error) return null;
  return (
    <div role="alert" className="bad">
      <ErrorText error={props.error} />
    </div>
  );
}
