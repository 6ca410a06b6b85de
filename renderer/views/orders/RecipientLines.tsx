import { addressLine } from '../../../shared/shipping/recipient.ts';
import type { Recipient } from '../../../shared/shipping/recipient.ts';

/** A recipient as two lines: name and mobile, then the address (as the server sent them). */
export function RecipientLines({ recipient: r }: { recipient: Recipient }) {
  return (
    <span className="recipient" data-masked={r.masked ? 'true' : undefined}>
      <span className="recipient-name">
        {r.name} <span className="mono">{r.mobile}</span>
      </span>
      <br />
      <span>
        {addressLine(r)}
        {r.postcode ? ` ${r.postcode}` : ''}
      </span>
    </span>
  );
}
