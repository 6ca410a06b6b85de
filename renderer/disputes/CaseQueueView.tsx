import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { DESK_STATUS_VALUES } from '../../shared/contract/disputeSchemas.ts';
import { Countdown } from '../components/Countdown.tsx';
import { useTr } from '../app/StoresContext.tsx';
import { CaseView } from './CaseView.tsx';
import type { CaseSummary } from './disputeStores.ts';
import { useDisputeStores, useDt } from './useDispute.ts';
import './disputes.css';
import { ErrorText } from '../components/ErrorText.tsx';

const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;

/**
 * The agents' route: the case queue, or the open case. Filters run on the server (status,
 * assignee, priority, text); the list is sorted most pressing first.
 */
export function CaseQueueView() {
  const { queue, kase } = useDisputeStores();
  const openClaim = useStore(kase, (s) => s.claimId);
  useEffect(() => {
    void queue.getState().load();
  }, [queue]);
  if (openClaim) return <CaseView />;
  return <Queue />;
}

function Queue() {
  const dt = useDt();
  const tr = useTr();
  const { queue, kase } = useDisputeStores();
  const { filter, cases, loading, error, serverOffsetMs } = useStore(queue);
  const [text, setText] = useState(filter.q ?? '');

  return (
    <section className="view disputes" aria-labelledby="queue-title" data-testid="case-queue">
      <div className="view-head">
        <h1 id="queue-title">{dt('queue.title')}</h1>
        <button
          type="button"
          className="secondary small"
          onClick={() => void queue.getState().load()}
        >
          {dt('queue.refresh')}
        </button>
      </div>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          queue.getState().setFilter({ q: text.trim() || undefined });
        }}
      >
        <input
          type="search"
          data-search
          aria-label={dt('queue.search')}
          placeholder={dt('queue.search')}
          value={text}
          maxLength={100}
          onChange={(e) => setText(e.target.value)}
          data-testid="queue-search"
        />
        <label>
          {dt('queue.status')}{' '}
          <select
            value={filter.status ?? ''}
            data-testid="queue-status"
            onChange={(e) =>
              queue.getState().setFilter({
                status: (e.target.value || undefined) as
                  (typeof DESK_STATUS_VALUES)[number] | undefined,
              })
            }
          >
            <option value="">{dt('queue.all')}</option>
            {DESK_STATUS_VALUES.map((s) => (
              <option key={s} value={s}>
                {dt(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {dt('queue.assignee')}{' '}
          <select
            value={filter.assignee ?? ''}
            data-testid="queue-assignee"
            onChange={(e) => queue.getState().setFilter({ assignee: e.target.value || undefined })}
          >
            <option value="">{dt('queue.all')}</option>
            <option value="me">{dt('queue.mine')}</option>
            <option value="unassigned">{dt('queue.unassigned')}</option>
          </select>
        </label>
        <label>
          {dt('queue.priority')}{' '}
          <select
            value={filter.priority ?? ''}
            data-testid="queue-priority"
            onChange={(e) =>
              queue.getState().setFilter({
                priority: (e.target.value || undefined) as (typeof PRIORITIES)[number] | undefined,
              })
            }
          >
            <option value="">{dt('queue.all')}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {dt(`priority.${p}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error ? (
        <div role="alert" className="error">
          <ErrorText error={error} wrap={(message) => dt('common.error', { message })} />
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="table" aria-busy={loading}>
          <thead>
            <tr>
              <th>{dt('col.priority')}</th>
              <th>{dt('col.claim')}</th>
              <th>{dt('col.status')}</th>
              <th className="num">{dt('col.amount')}</th>
              <th>{dt('col.seller')}</th>
              <th>{dt('col.deadlines')}</th>
              <th>{dt('col.assignee')}</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <QueueRow
                key={c.claimId}
                c={c}
                offsetMs={serverOffsetMs}
                money={tr.money(c.amountFen)}
                onOpen={() => void kase.getState().open(c.claimId)}
              />
            ))}
          </tbody>
        </table>
      </div>
      {!loading && cases.length === 0 ? <p className="muted">{dt('queue.empty')}</p> : null}
    </section>
  );
}

function QueueRow(props: { c: CaseSummary; offsetMs: number; money: string; onOpen(): void }) {
  const dt = useDt();
  const { c } = props;
  return (
    <tr data-testid={`case-row-${c.claimId}`} data-priority={c.priority}>
      <td>
        <span className={`badge priority-${c.priority}`}>{dt(`priority.${c.priority}`)}</span>
      </td>
      <td>
        <button
          type="button"
          className="link"
          onClick={props.onOpen}
          data-testid={`open-${c.claimId}`}
        >
          {c.claimId}
        </button>
        <div className="muted small">{c.orderId}</div>
      </td>
      <td>{dt(`status.${c.deskStatus}`)}</td>
      <td className="num">{props.money}</td>
      <td>{c.merchantName ?? c.merchantId}</td>
      <td>
        <ul className="deadlines">
          {c.deadlines.map((d) => (
            <li key={d.kind}>
              {dt(`deadline.${d.kind}`)}: {/* Server times moved onto this desk's clock. */}
              <Countdown at={d.dueAt - props.offsetMs} moneyMoves={d.kind !== 'agent_sla'} />
            </li>
          ))}
        </ul>
      </td>
      <td>{c.assignee ?? <span className="muted">{dt('queue.unassigned')}</span>}</td>
    </tr>
  );
}
