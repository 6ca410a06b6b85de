import { useState } from 'react';
import { useTr } from '../app/StoresContext.tsx';
import { dayInputExample, formatDayInput, parseDayInput } from '../i18n/dateInput.ts';

/**
 * A day typed the way the desk's language writes it (see `renderer/i18n/dateInput.ts`). The
 * value is "YYYY-MM-DD" or ''; a day that does not exist is refused with a hint, not guessed.
 */
export function DateField(props: { label: string; value: string; onChange(value: string): void }) {
  const tr = useTr();
  const shown = formatDayInput(tr.locale, props.value);
  const [draft, setDraft] = useState<string | null>(null);
  const [bad, setBad] = useState(false);
  const example = dayInputExample(tr.locale);
  const commit = () => {
    if (draft === null) return;
    const value = parseDayInput(tr.locale, draft);
    if (value === null) {
      setBad(true);
      return;
    }
    setBad(false);
    setDraft(null);
    if (value !== props.value) props.onChange(value);
  };
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        type="text"
        inputMode="numeric"
        lang={tr.locale}
        value={draft ?? shown}
        placeholder={tr.t('date.placeholder')}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
        aria-invalid={bad ? true : undefined}
        title={bad ? tr.t('date.invalid', { example }) : undefined}
      />
      {bad ? (
        <small className="error" role="alert">
          {tr.t('date.invalid', { example })}
        </small>
      ) : null}
    </label>
  );
}
