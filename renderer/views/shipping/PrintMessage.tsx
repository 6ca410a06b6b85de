import type { ErrorInfo } from '../../../shared/errors.ts';
import { useTr } from '../../app/StoresContext.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';

/** What a print job said: where the PDF went, or why it could not be saved. */
export function PrintMessage(props: { message: { text: string; error?: ErrorInfo } | null }) {
  const tr = useTr();
  const { message } = props;
  if (!message) return null;
  return (
    <div role={message.error ? 'alert' : 'status'} className={message.error ? 'bad' : 'muted'}>
      {message.error ? (
        <ErrorText
          error={message.error}
          wrap={(text) => tr.t('slip.saveFailed', { message: text })}
        />
      ) : (
        message.text
      )}
    </div>
  );
}
