import { useNow, useTr } from '../app/StoresContext.tsx';
import { formatDuration, urgencyOf } from './countdown.ts';

/** Time left until a deadline; urgency is in the text too, not only in the colour. */
export function Countdown({ at, moneyMoves }: { at: number; moneyMoves: boolean }) {
  const tr = useTr();
  const now = useNow();
  const left = at - now;
  const urgency = urgencyOf(left, moneyMoves);
  const text =
    urgency === 'overdue'
      ? tr.t('countdown.overdue', { time: formatDuration(tr, left) })
      : formatDuration(tr, left);
  return (
    <span className={`countdown countdown-${urgency}`} data-urgency={urgency}>
      {urgency === 'urgent' ? (
        <span className="urgent-tag">{tr.t('countdown.urgent')} · </span>
      ) : null}
      <time dateTime={new Date(at).toISOString()} title={tr.date(at)}>
        {text}
      </time>
    </span>
  );
}
