import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import type { MessageKey } from '../../i18n/catalogEn.ts';
import type { CaseDetail } from '../../stores/caseStore.ts';
import { nameOf } from './people.ts';

type Party = 'buyer' | 'seller';

/**
 * Reply templates, by the party they suit. The text comes from the catalog in the agent's
 * language and is editable before sending; what is sent is stored on the server as written.
 */
const TEMPLATES: Record<Party, readonly { title: MessageKey; body: MessageKey }[]> = {
  buyer: [
    { title: 'dispute.template.received', body: 'dispute.template.buyerReceived' },
    { title: 'dispute.template.photos', body: 'dispute.template.buyerPhotos' },
    { title: 'dispute.template.bank', body: 'dispute.template.buyerBank' },
  ],
  seller: [
    { title: 'dispute.template.tracking', body: 'dispute.template.sellerTracking' },
    { title: 'dispute.template.reminder', body: 'dispute.template.sellerReminder' },
    { title: 'dispute.template.explain', body: 'dispute.template.sellerExplain' },
  ],
};

/** Messages to the buyer or the seller of the case, which that party reads on their side. */
export function CaseMessages({ detail }: { detail: CaseDetail }) {
  const tr = useTr();
  const { openCase: kase } = useStores();
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
      <h2 id="messages-title">{tr.t('dispute.messages.title')}</h2>
      <ul className="notes" data-testid="message-list">
        {detail.messages.map((m) => (
          <li key={m.messageId}>
            <span className="muted">
              {tr.t(m.to === 'buyer' ? 'dispute.messages.toBuyer' : 'dispute.messages.toSeller')} ·{' '}
              {nameOf(detail.people, m.authorId)} · {tr.date(m.createdAt)}
            </span>
            <p>{m.body}</p>
          </li>
        ))}
      </ul>
      {detail.messages.length === 0 ? (
        <p className="muted">{tr.t('dispute.messages.none')}</p>
      ) : null}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!to || !body.trim()) return;
          if (await kase.getState().sendMessage(to, body.trim())) setBody('');
        }}
      >
        <fieldset className="inline">
          <legend>{tr.t('dispute.messages.to')}</legend>
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
              {tr.t(p === 'buyer' ? 'dispute.messages.buyer' : 'dispute.messages.seller')}
            </label>
          ))}
        </fieldset>
        <label>
          {tr.t('dispute.messages.template')}{' '}
          <select
            value=""
            disabled={to === null}
            onChange={(e) => {
              const t = TEMPLATES[to ?? 'buyer'].find((k) => k.body === e.target.value);
              if (t) setBody(tr.t(t.body, params));
            }}
            data-testid="message-template"
          >
            <option value="">{tr.t('dispute.messages.chooseTemplate')}</option>
            {to
              ? TEMPLATES[to].map((k) => (
                  <option key={k.body} value={k.body}>
                    {tr.t(k.title)}
                  </option>
                ))
              : null}
          </select>
        </label>
        <textarea
          aria-label={tr.t('dispute.messages.body')}
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
          {tr.t('dispute.messages.send')}
        </button>
      </form>
    </section>
  );
}
