import { memo, useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { useStore } from 'zustand';
import type { OrderListStore, OrderRow } from '../stores/orderListStore.ts';

export interface Column {
  id: string;
  header: ReactNode;
  /** CSS grid track, e.g. "8rem" or "minmax(6rem, 1fr)". */
  width: string;
  /** `index` is the row's place in the whole filtered list (for range selection). */
  cell(row: OrderRow, index: number): ReactNode;
}

export const ROW_HEIGHT_PX = 40;
const OVERSCAN_ROWS = 8;

interface Props {
  store: OrderListStore;
  columns: Column[];
  label: string;
  /** Enter or double click. */
  onOpen(row: OrderRow, index: number): void;
  /** Other keys on the selected row (shortcuts); return true when handled. */
  onRowKey?(key: string, row: OrderRow, index: number): boolean;
  emptyText: string;
  loadingText: string;
  testId?: string;
}

/**
 * A table over a list of any length: only the rows in view (plus a few) are in the DOM, and the
 * store fetches the pages they fall on. Rows have a fixed height, so position is arithmetic and
 * scrolling costs the same at row 10 as at row 100,000. Keyboard: arrows, Page Up/Down,
 * Home/End move the selection; the grid keeps focus and names the active row for screen
 * readers (aria-activedescendant).
 */
export function VirtualTable(props: Props) {
  const { store, columns, label, onOpen, onRowKey } = props;
  const total = useStore(store, (s) => s.total);
  const revision = useStore(store, (s) => s.revision);
  const selected = useStore(store, (s) => s.selected);
  const loading = useStore(store, (s) => s.loading);
  const bodyRef = useRef<HTMLDivElement>(null);
  const baseId = `grid${useId().replace(/:/g, '')}`;
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportPx, setViewportPx] = useState(600);
  const template = columns.map((c) => c.width).join(' ');

  useLayoutEffect(() => {
    const body = bodyRef.current;
    if (!body) return;
    const observer = new ResizeObserver(() => setViewportPx(body.clientHeight));
    observer.observe(body);
    setViewportPx(body.clientHeight);
    return () => observer.disconnect();
  }, []);

  const count = total ?? 0;
  // The window is always `span` rows long (shorter only at the list's end): the rows in view,
  // whatever their alignment, and OVERSCAN_ROWS either side.
  const span = Math.ceil(viewportPx / ROW_HEIGHT_PX) + 1 + 2 * OVERSCAN_ROWS;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT_PX) - OVERSCAN_ROWS);
  const last = Math.min(count - 1, first + span - 1);

  useEffect(() => {
    if (total === null) return;
    void store.getState().ensureRange(first, last);
  }, [store, first, last, total, revision]);

  // A new search starts at the top.
  const filters = useStore(store, (s) => s.filters);
  useEffect(() => {
    // The scroll event that follows brings `scrollTop` state along.
    if (bodyRef.current) bodyRef.current.scrollTop = 0;
  }, [filters]);

  const scrollToIndex = useCallback((index: number) => {
    const body = bodyRef.current;
    if (!body) return;
    const top = index * ROW_HEIGHT_PX;
    if (top < body.scrollTop) body.scrollTop = top;
    // The sticky header takes one row height at the top of the scroller.
    else if (top + 2 * ROW_HEIGHT_PX > body.scrollTop + body.clientHeight) {
      body.scrollTop = top + 2 * ROW_HEIGHT_PX - body.clientHeight;
    }
  }, []);

  // Scroll position is read once per frame, in the frame, not in every scroll event.
  const frameRef = useRef(0);
  const onScroll = useCallback(() => {
    if (frameRef.current) return;
    frameRef.current = requestAnimationFrame(() => {
      frameRef.current = 0;
      if (bodyRef.current) setScrollTop(bodyRef.current.scrollTop);
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(frameRef.current), []);

  // Stable callbacks, so a row re-renders only when its own data or selection changes.
  const onOpenRef = useRef(onOpen);
  useEffect(() => {
    onOpenRef.current = onOpen;
  });
  const openRow = useCallback((row: OrderRow, index: number) => onOpenRef.current(row, index), []);
  const selectIndex = useCallback((index: number) => store.getState().select(index), [store]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const s = store.getState();
    const page = Math.max(1, Math.floor(viewportPx / ROW_HEIGHT_PX) - 1);
    const moves: Record<string, number> = {
      ArrowDown: s.selected + 1,
      ArrowUp: Math.max(0, s.selected - 1),
      j: s.selected + 1,
      k: Math.max(0, s.selected - 1),
      PageDown: s.selected + page,
      PageUp: Math.max(0, s.selected - page),
      Home: 0,
      End: count - 1,
    };
    if (Object.hasOwn(moves, e.key)) {
      e.preventDefault();
      s.select(moves[e.key]!);
      scrollToIndex(store.getState().selected);
      return;
    }
    const row = s.selected >= 0 ? s.rowAt(s.selected) : undefined;
    if (!row) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      onOpen(row, s.selected);
    } else if (onRowKey?.(e.key, row, s.selected)) {
      e.preventDefault();
    }
  }

  const gridId = baseId;
  // Rows are keyed by slot, not by index, and stay in slot order: a row scrolling out hands its
  // DOM nodes, in place, to the one scrolling in, so a frame updates text and position instead
  // of creating, removing or moving rows (each of which cost the scroll its frame budget). That
  // takes exactly `span` slots. The DOM order is then rotated, not the list's order; each row
  // carries its place in aria-rowindex, as grids that virtualise rows do (AG Grid's default).
  const rows: ReactNode[] = [];
  for (let slot = 0; slot < span; slot++) {
    // The one index of [first, last] that falls on this slot, if any.
    const i = first + ((slot - (first % span) + span) % span);
    if (i > last) continue;
    rows.push(
      <Row
        key={slot}
        index={i}
        domId={`${gridId}-r${i}`}
        row={store.getState().rowAt(i)}
        columns={columns}
        template={template}
        selected={i === selected}
        loadingText={props.loadingText}
        onSelect={selectIndex}
        onOpen={openRow}
      />,
    );
  }
  return (
    <div
      className="vt"
      ref={bodyRef}
      role="grid"
      aria-label={label}
      aria-rowcount={count + 1}
      aria-colcount={columns.length}
      aria-busy={loading}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={onScroll}
      onFocus={(e) => {
        if (e.target === e.currentTarget && store.getState().selected < 0 && count > 0) {
          store.getState().select(0);
        }
      }}
      aria-activedescendant={
        selected >= first && selected <= last && selected >= 0
          ? `${gridId}-r${selected}`
          : undefined
      }
      data-testid={props.testId}
      id={gridId}
    >
      <div role="rowgroup" className="vt-head">
        <div
          role="row"
          aria-rowindex={1}
          className="vt-row"
          style={{ gridTemplateColumns: template }}
        >
          {columns.map((c) => (
            <div role="columnheader" key={c.id} className="vt-cell">
              {c.header}
            </div>
          ))}
        </div>
      </div>
      {total === 0 ? <div className="vt-empty">{props.emptyText}</div> : null}
      <div role="rowgroup" className="vt-spacer" style={{ height: count * ROW_HEIGHT_PX }}>
        {rows}
      </div>
    </div>
  );
}

interface RowProps {
  index: number;
  domId: string;
  row: OrderRow | undefined;
  columns: Column[];
  template: string;
  selected: boolean;
  loadingText: string;
  onSelect(index: number): void;
  onOpen(row: OrderRow, index: number): void;
}

const Row = memo(function Row(p: RowProps) {
  const style = {
    top: p.index * ROW_HEIGHT_PX,
    height: ROW_HEIGHT_PX,
    gridTemplateColumns: p.template,
  };
  return (
    <div
      role="row"
      aria-rowindex={p.index + 2}
      aria-selected={p.selected}
      id={p.domId}
      className={`vt-row vt-abs${p.selected ? ' vt-selected' : ''}`}
      style={style}
      data-order-id={p.row?.orderId}
      onClick={() => p.onSelect(p.index)}
      onDoubleClick={() => p.row && p.onOpen(p.row, p.index)}
    >
      {/* A row whose page is on its way keeps the same cells, so its arrival fills them in
          place instead of replacing the row's DOM (a fast scroll does this for every row). */}
      {p.columns.map((c, i) => (
        <div
          role="gridcell"
          key={c.id}
          className={`vt-cell vt-col-${c.id}${p.row ? '' : ' vt-loading'}`}
          aria-label={p.row || i > 0 ? undefined : p.loadingText}
        >
          {p.row ? c.cell(p.row, p.index) : i === 0 ? '…' : null}
        </div>
      ))}
    </div>
  );
});
