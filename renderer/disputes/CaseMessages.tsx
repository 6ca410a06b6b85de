import { useState } from 'react';
import { useStore } from 'zustand';
import { useTr } from '../app/StoresContext.tsx';
import type { DisputeKey } from './disputeMessages.ts';
import type { CaseDetail } from './disputeStores.ts';
import { nameOf } from './people.ts';
import { useDisputeStores, useDt } from './useDispute.ts';

type Party = 'buyer' | 'seller';

/**
 * Reply templates, by the party they suit. The text comes from the catalog in the agent's
 * language and is editable before sending; what is sent is stored on the server as written.
 */
const TEMPLATES: Record<Party, readonly { title: DisputeKey; body: DisputeKey }[]> = {
  buyer: [
    { title: 'template.received', body: 'template.buyerReceived' },
    { title: 'template.photos', body: 'template.buyerPhotos' },
    { title: 'template.bank', body: 'template.buyerBank' },
  ],
  seller: [
    { title: 'template.tracking', body: 'template.sellerTracking' },
    { title: 'template.reminder', body: 'template.sellerReminder' },
    { title: 'template.explain', body: 'template.sellerExplain' },
  ],
};

/** Messages to the buyer or the seller of the case, which that party reads on their side. */
export function CaseMessages({ detail }: { detail: CaseDetail }) {
  const dt = useDt();
  const tr = useTr();
  const { kase } = useDisputeStores();
  const busy = useStore(kase, (s) => s.busy);
  const [to, setTo] = useState<Party | null>(null);
  const [body, setBody] = useState('');
  const params = {
    claimId: detail.claim.claimId,
    orderId: detail.order.orderId,
    amount: tr.money(detail.claim.amountFen),
  };
  return (
    <section className="card" aria-labelledby="messages-title" data-testid="case-messages">
      <h2 id="messages-title">{dt('messages.title')}</h2>
      <ul className="notes" data-testid="message-list">
        {detail.messages.map((m) => (
          <li key={m.messageId}>
            <span className="muted">
              {dt(m.to === 'buyer' ? 'messages.toBuyer' : 'messages.toSeller')} ·{' '}
              {nameOf(detail.people, m.authorId)} · {tr.date(m.createdAt)}
            </span>
            <p>{m.body}</p>
          </li>
        ))}
      </ul>
      {detail.messages.length === 0 ? <p className="muted">{dt('messages.none')}</p> : null}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!to || !body.trim()) return;
          if (await kase.getState().sendMessage(to, body.trim())) setBody('');
        }}
      >
        <fieldset className="inline">
          <legend>{dt('messages.to')}</legend>
          {(['buyer', 'seller'] as const).map((p) => (
            <label key={p} className="radio">
              <input
                type="radio"
                name="message-to"
                value={p}
                checked={to === p}
                onChange={() => setTo(p)}
                data-testid={`message-to-${p}`}
              />{' '}
              {dt(p === 'buyer' ? 'messages.buyer' : 'messages.seller')}
            </label>
          ))}
        </fieldset>
        <label>
          {dt('messages.template')}{' '}
          <select
            value=""
            disabled={to === null}
            onChange={(e) => {
              const t = TEMPLATES[to ?? 'buyer'].find((k) => k.body === e.target.value);
              if (t) setBody(dt(t.body, params));
            }}
            data-testid="message-template"
          >
            <option value="">{dt('messages.chooseTemplate')}</option>
            {to
              ? TEMPLATES[to].map((k) => (
                  <option key={k.body} value={k.body}>
                    {dt(k.title)}
                  </option>
                ))
              : null}
          </select>
        </label>
        <textarea
          aria-label={dt('messages.body')}
          value={body}
          maxLength={4000}
          onChange={(e) => setBody(e.target.value)}
          data-testid="message-body"
        />
        <button
          type="submit"
          className="small"
          disabled={busy || to === null || !body.trim()}
          data-testid="message-send"
        >
          {dt('messages.send')}
        </button>
      </form>
    </section>
  );
}
