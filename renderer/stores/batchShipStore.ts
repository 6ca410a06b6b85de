import { createStore } from 'zustand/vanilla';
import { uuidv7 } from '../../shared/ids.ts';
import type { DeskApi, MethodOutput } from '../../shared/contract/types.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import { MAX_CSV_ROWS, parseShipmentCsv } from '../shipping/parseShipmentCsv.ts';
import type { SyncStore } from './syncStore.ts';

type Check = MethodOutput<'shipments.check'>['rows'][number];
export type PreviewProblem = Check['problems'][number] | 'missing_fields';

export interface PreviewRow {
  line: number;
  orderId: string;
  carrier: string;
  trackingNo: string;
  problems: PreviewProblem[];
  /** Made once per previewed row, so applying twice cannot ship twice. */
  commandId: string;
}

export interface BatchResult {
  orderId: string;
  ok: boolean;
  error: ErrorInfo | null;
}

export interface BatchShipState {
  phase: 'editing' | 'checking' | 'previewed' | 'applying' | 'applied';
  rows: PreviewRow[];
  results: BatchResult[];
  error: ErrorInfo | null;
  preview(csvText: string): Promise<void>;
  apply(): Promise<void>;
  reset(): void;
}

export const validRows = (rows: readonly PreviewRow[]) =>
  rows.filter((r) => r.problems.length === 0);

/**
 * Batch shipping from a CSV: every row is checked by the core first and shown with all its
 * problems; only when the user confirms are the rows without problems shipped.
 * Bad rows are never sent.
 */
export function createBatchShipStore(desk: DeskApi, sync: SyncStore) {
  return createStore<BatchShipState>()((set, get) => ({
    phase: 'editing',
    rows: [],
    results: [],
    error: null,
    async preview(csvText) {
      const parsed = parseShipmentCsv(csvText);
      if (parsed.length > MAX_CSV_ROWS) {
        set({
          error: { code: 'payload_too_large', message: `at most ${MAX_CSV_ROWS} rows per file` },
          phase: 'editing',
        });
        return;
      }
      set({ phase: 'checking', error: null, results: [] });
      const complete = parsed.filter((r) => !r.incomplete);
      const r = await desk.shipments.check({
        rows: complete.map((c) => ({
          line: c.line,
          orderId: c.orderId.slice(0, 80),
          carrier: c.carrier.slice(0, 40),
          trackingNo: c.trackingNo.slice(0, 60),
        })),
      });
      if (!r.ok) {
        set({ phase: 'editing', error: r.error });
        return;
      }
      const byLine = new Map(r.value.rows.map((c) => [c.line, c]));
      const rows: PreviewRow[] = parsed.map((p) => {
        const c = byLine.get(p.line);
        return {
          line: p.line,
          orderId: p.orderId,
          carrier: c?.carrier ?? p.carrier,
          trackingNo: c?.trackingNo ?? p.trackingNo,
          problems: p.incomplete ? ['missing_fields'] : (c?.problems ?? []),
          commandId: uuidv7(),
        };
      });
      set({ phase: 'previewed', rows });
    },
    async apply() {
      const good = validRows(get().rows);
      if (good.length === 0) return;
      set({ phase: 'applying', error: null });
      // One ship command per row, each with the key made at preview: the same path as shipping
      // one order, so offline the rows queue for sync like any other action.
      const results: BatchResult[] = [];
      for (const g of good) {
        const input = { orderId: g.orderId, carrier: g.carrier, trackingNo: g.trackingNo };
        let r = await desk.shipments.ship({ ...input, commandId: g.commandId });
        if (!r.ok && r.error.code === 'unavailable') {
          r = await desk.shipments.ship({ ...input, commandId: g.commandId });
        }
        const action = {
          commandId: g.commandId,
          orderId: g.orderId,
          method: 'shipments.ship',
          at: Date.now(),
        };
        if (r.ok) await sync.getState().recordAccepted(action);
        else sync.getState().recordRejected({ ...action, ...r.error });
        results.push({ orderId: g.orderId, ok: r.ok, error: r.ok ? null : r.error });
      }
      set({ phase: 'applied', results });
    },
    reset() {
      set({ phase: 'editing', rows: [], results: [], error: null });
    },
  }));
}

export type BatchShipStore = ReturnType<typeof createBatchShipStore>;
