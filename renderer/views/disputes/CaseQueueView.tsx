import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { DESK_STATUS_VALUES } from '../../../shared/contract/disputeSchemas.ts';
import { Countdown } from '../../components/Countdown.tsx';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { isTyping, SEARCH_INPUT_ID } from '../../app/keyboard.ts';
import { CaseView } from './CaseView.tsx';
import type { CaseSummary, QueueSort } from '../../stores/caseQueueStore.ts';
import { nameOf } from './people.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;

/**
 * The agents' route: the case queue, or the open case. Filters run on the server (status,
 * assignee, priority, text, SLA); columns sort on the server too, over the whole queue.
 */
export function CaseQueueView() {
  const { caseQueue: queue, openCase: kase } = useStores();
  const openClaim = useStore(kase, (s) => s.claimId);
  useEffect(() => {
    void queue.getState().load();
  }, [queue]);
  if (openClaim) return <CaseView />;
  return <Queue />;
}

function Queue() {
  const tr = useTr();
  const stores = useStores();
  const { caseQueue: queue, openCase: kase } = useStores();
  const { filter, text, cases, agents, loading, error, serverOffsetMs, selected, cursor } =
    useStore(queue);
  const progress = useStore(queue, (s) => s.progress);
  const [assignTo, setAssignTo] = useState('');

  // ↑↓ move through the queue, Enter opens the case, Esc leaves the search box (clearing it).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || document.querySelector('dialog[open]')) return;
      const q = queue.getState();
      if (e.key === 'Escape') {
        if (e.target instanceof HTMLElement && e.target.id === SEARCH_INPUT_ID) {
          if (q.text) q.search('');
          e.target.blur();
          e.preventDefault();
        } else if (q.cursor) {
          queue.setState({ cursor: null });
          e.preventDefault();
        }
        return;
      }
      if (isTyping(e.target)) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        q.moveCursor(e.key === 'ArrowDown' ? 1 : -1);
        e.preventDefault();
      } else if (e.key === 'Enter' && q.cursor && !(e.target instanceof HTMLButtonElement)) {
        void kase.getState().open(q.cursor);
        e.preventDefault();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [queue, kase]);

  useEffect(() => {
    if (cursor)
      document
        .querySelector(`[data-claim-row="${CSS.escape(cursor)}"]`)
        ?.scrollIntoView({ block: 'nearest' });
  }, [cursor]);

  const sortHeader = (column: QueueSort, label: string, className?: string) => {
    const active = filter.sort === column;
    return (
      <th
        scope="col"
        className={className}
        aria-sort={active ? (filter.dir === 'desc' ? 'descending' : 'ascending') : 'none'}
      >
        <button
          type="button"
          className="sort"
          onClick={() => queue.getState().sortBy(column)}
          data-testid={`sort-${column}`}
        >
          {label}
          <span aria-hidden="true">{active ? (filter.dir === 'desc' ? ' ▼' : ' ▲') : ''}</span>
        </button>
      </th>
    );
  };

  const allSelected = cases.length > 0 && cases.every((c) => selected.has(c.claimId));
  return (
    <section className="view disputes" aria-labelledby="queue-title" data-testid="case-queue">
      <div className="view-head">
        <h1 id="queue-title">{tr.t('dispute.queue.title')}</h1>
        <button
          type="button"
          className="secondary small"
          onClick={() => void queue.getState().load()}
        >
          {tr.t('dispute.queue.refresh')}
        </button>
      </div>
      <div className="filters" role="search">
        <input
          id={SEARCH_INPUT_ID}
          type="search"
          aria-label={tr.t('dispute.queue.search')}
          placeholder={tr.t('dispute.queue.search')}
          value={text}
          maxLength={100}
          onChange={(e) => queue.getState().search(e.target.value)}
          data-testid="queue-search"
        />
        <label>
          {tr.t('dispute.queue.view')}{' '}
          <select
            value={filter.sla ?? ''}
            data-testid="queue-sla"
            onChange={(e) =>
              queue
                .getState()
                .setFilter({ sla: e.target.value === 'breached' ? 'breached' : undefined })
            }
          >
            <option value="">{tr.t('dispute.queue.viewAll')}</option>
            <option value="breached">{tr.t('dispute.queue.viewBreached')}</option>
          </select>
        </label>
        <label>
          {tr.t('dispute.queue.status')}{' '}
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
            <option value="">{tr.t('dispute.queue.all')}</option>
            {DESK_STATUS_VALUES.map((s) => (
              <option key={s} value={s}>
                {tr.t(`dispute.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr.t('dispute.queue.assignee')}{' '}
          <select
            value={filter.assignee ?? ''}
            data-testid="queue-assignee"
            onChange={(e) => queue.getState().setFilter({ assignee: e.target.value || undefined })}
          >
            <option value="">{tr.t('dispute.queue.all')}</option>
            <option value="me">{tr.t('dispute.queue.mine')}</option>
            <option value="unassigned">{tr.t('dispute.queue.unassigned')}</option>
          </select>
        </label>
        <label>
          {tr.t('dispute.queue.priority')}{' '}
          <select
            value={filter.priority ?? ''}
            data-testid="queue-priority"
            onChange={(e) =>
              queue.getState().setFilter({
                priority: (e.target.value || undefined) as (typeof PRIORITIES)[number] | undefined,
              })
            }
          >
            <option value="">{tr.t('dispute.queue.all')}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {tr.t(`dispute.priority.${p}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="bulk-bar" data-testid="bulk-bar">
        <span>{tr.t('dispute.queue.selected', { count: selected.size })}</span>
        <label>
          {tr.t('dispute.queue.assignTo')}{' '}
          <select
            value={assignTo}
            onChange={(e) => setAssignTo(e.target.value)}
            data-testid="bulk-agent"
          >
            <option value="">{tr.t('dispute.queue.chooseAgent')}</option>
            {agents.map((a) => (
              <option key={a.userId} value={a.userId}>
                {a.displayName}
              </option>
            ))}
            <option value="-">{tr.t('dispute.queue.backToQueue')}</option>
          </select>
        </label>
        <button
          type="button"
          className="small"
          disabled={selected.size === 0 || assignTo === '' || progress !== null}
          onClick={async () => {
            const r = await queue.getState().bulkAssign(assignTo === '-' ? null : assignTo);
            const dialogs = stores.dialogs.getState();
            if (r.ok)
              dialogs.announce(tr.t('dispute.queue.assigned', { count: r.value.changed }), 'ok');
            else dialogs.announce(tr.error(r.error), 'error', r.error);
          }}
          data-testid="bulk-assign"
        >
          {tr.t('dispute.queue.assign')}
        </button>
        {progress ? (
          <progress
            max={progress.total}
            value={progress.done}
            aria-label={tr.t('dispute.queue.assigning', progress)}
            data-testid="bulk-progress"
          />
        ) : null}
        {progress ? <span role="status">{tr.t('dispute.queue.assigning', progress)}</span> : null}
      </div>
      {error ? (
        <div role="alert" className="error">
          <ErrorText error={error} wrap={(message) => tr.t('dispute.common.error', { message })} />
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="table" aria-busy={loading} data-testid="queue-table">
          <thead>
            <tr>
              <th scope="col" className="check">
                <input
                  type="checkbox"
                  aria-label={tr.t('dispute.queue.selectAll')}
                  checked={allSelected}
                  onChange={(e) => queue.getState().selectAll(e.target.checked)}
                  data-testid="select-all"
                />
              </th>
              {sortHeader('priority', tr.t('dispute.col.priority'))}
              <th scope="col">{tr.t('dispute.col.claim')}</th>
              {sortHeader('status', tr.t('dispute.col.status'))}
              {sortHeader('amount', tr.t('dispute.col.amount'), 'num')}
              <th scope="col">{tr.t('dispute.col.seller')}</th>
              {sortHeader('deadline', tr.t('dispute.col.deadlines'))}
              {sortHeader('filed', tr.t('dispute.col.filed'))}
              <th scope="col">{tr.t('dispute.col.assignee')}</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <QueueRow
                key={c.claimId}
                c={c}
                offsetMs={serverOffsetMs}
                money={tr.money(c.amountFen)}
                filed={tr.date(c.filedAt)}
                assignee={c.assignee ? nameOf(agents, c.assignee) : null}
                selected={selected.has(c.claimId)}
                current={cursor === c.claimId}
                onToggle={() => queue.getState().toggle(c.claimId)}
                onOpen={() => void kase.getState().open(c.claimId)}
              />
            ))}
          </tbody>
        </table>
      </div>
      {!loading && cases.length === 0 ? (
        <p className="muted">{tr.t('dispute.queue.empty')}</p>
      ) : null}
    </section>
  );
}

function QueueRow(props: {
  c: CaseSummary;
  offsetMs: number;
  money: string;
  filed: string;
  assignee: string | null;
  selected: boolean;
  current: boolean;
  onToggle(): void;
  onOpen(): void;
}) {
  const tr = useTr();
  const { c } = props;
  return (
    <tr
      data-testid={`case-row-${c.claimId}`}
      data-claim-row={c.claimId}
      data-priority={c.priority}
      className={props.current ? 'current' : undefined}
      aria-current={props.current ? 'true' : undefined}
    >
      <td className="check">
        <input
          type="checkbox"
          aria-label={tr.t('dispute.queue.select', { claimId: c.claimId })}
          checked={props.selected}
          onChange={props.onToggle}
          data-testid={`select-${c.claimId}`}
        />
      </td>
      <td>
        <span className={`badge priority-${c.priority}`}>
          {tr.t(`dispute.priority.${c.priority}`)}
        </span>
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
      <td>{tr.t(`dispute.status.${c.deskStatus}`)}</td>
      <td className="num">{props.money}</td>
      <td>{c.merchantName ?? c.merchantId}</td>
      <td>
        <ul className="deadlines">
          {c.deadlines.map((d) => (
            <li key={d.kind}>
              {tr.t(`dispute.deadline.${d.kind}`)}:{' '}
              {/* Server times moved onto this desk's clock. */}
              <Countdown at={d.dueAt - props.offsetMs} moneyMoves={d.kind !== 'agent_sla'} />
            </li>
          ))}
        </ul>
      </td>
      <td>{props.filed}</td>
      <td data-testid="row-assignee">
        {props.assignee ?? <span className="muted">{tr.t('dispute.queue.unassigned')}</span>}
      </td>
    </tr>
  );
}
