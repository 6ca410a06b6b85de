import { createStore } from 'zustand/vanilla';
import { uuidv7 } from '../../shared/ids.ts';
import { normalizeTrackingNo } from '../../shared/shipping/carriers.ts';
import type { DeskApi, MethodOutput } from '../../shared/contract/types.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import type { CsvEncoding } from '../shipping/decodeCsvBytes.ts';
import { readShipmentFileOffThread } from '../shipping/csvReader.ts';
import type { ShipmentFileReader } from '../shipping/csvReader.ts';
import type { SyncStore } from './syncStore.ts';

type Check = MethodOutput<'shipments.check'>['rows'][number];
export type PreviewProblem = Check['problems'][number] | 'missing_fields';

export interface PreviewRow {
  line: number;
  orderId: string;
  /** The carrier code when the file named a known carrier, else what the file said. */
  carrier: string;
  /** What the file said, when it named the carrier by name rather than by code. */
  carrierText: string;
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
  phase: 'editing' | 'reading' | 'checking' | 'previewed' | 'applying' | 'applied';
  /** Reading: the parsed fraction as n/100; checking and applying: rows done of all. */
  progress: { done: number; total: number } | null;
  /** How the file was decoded (shown, so a wrong guess is visible). */
  encoding: CsvEncoding | null;
  rows: PreviewRow[];
  results: BatchResult[];
  /** True when the user stopped applying; what was applied stays applied. */
  cancelled: boolean;
  error: ErrorInfo | null;
  /** Pasted text: read like a UTF-8 file. */
  preview(csvText: string): Promise<void>;
  previewFile(bytes: Uint8Array): Promise<void>;
  apply(): Promise<void>;
  /** Stops applying after the chunk in flight. */
  cancel(): void;
  reset(): void;
}

export const validRows = (rows: readonly PreviewRow[]) =>
  rows.filter((r) => r.problems.length === 0);

/** Rows per `shipments.check` call (the contract's cap). */
const CHECK_CHUNK = 1000;
/**
 * Rows per `shipments.shipMany` call while applying: small enough that the count moves and a
 * stop takes effect within a moment, large enough that 20,000 rows are a few hundred calls.
 */
const APPLY_CHUNK = 50;
/** Preview rows built between two pauses for the page (see yieldToPage). */
const BUILD_SLICE = 2000;

/** Lets the page paint and take input before the next slice of work. */
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Batch shipping from a CSV: the file is read in a worker (any of the encodings Chinese
 * spreadsheets write, carriers by code or name), every row is checked by the core and shown
 * with all its problems, and only when the user confirms are the rows without problems
 * shipped, chunk by chunk with a count, stoppable between chunks. Bad rows are never sent.
 */
export function createBatchShipStore(
  desk: DeskApi,
  sync: SyncStore,
  readFile: ShipmentFileReader = readShipmentFileOffThread,
) {
  let stopRequested = false;
  return createStore<BatchShipState>()((set, get) => ({
    phase: 'editing',
    progress: null,
    encoding: null,
    rows: [],
    results: [],
    cancelled: false,
    error: null,
    async preview(csvText) {
      await get().previewFile(new TextEncoder().encode(csvText));
    },
    async previewFile(bytes) {
      set({
        phase: 'reading',
        progress: { done: 0, total: 100 },
        error: null,
        results: [],
        rows: [],
        encoding: null,
        cancelled: false,
      });
      const read = await readFile(bytes, (fraction) =>
        set({ progress: { done: Math.floor(fraction * 100), total: 100 } }),
      ).catch((err: unknown) => ({
        ok: false as const,
        error: { code: 'internal' as const, message: String(err) },
      }));
      if (!read.ok) {
        set({ phase: 'editing', progress: null, error: read.error });
        return;
      }
      const parsed = read.rows;
      const complete = parsed.filter((r) => !r.incomplete);
      set({
        phase: 'checking',
        encoding: read.encoding,
        progress: { done: 0, total: complete.length },
      });
      const checks = new Map<number, Check>();
      for (let i = 0; i < complete.length; i += CHECK_CHUNK) {
        const chunk = complete.slice(i, i + CHECK_CHUNK);
        const r = await desk.shipments.check({
          rows: chunk.map((c) => ({
            line: c.line,
            orderId: c.orderId.slice(0, 80),
            carrier: c.carrier.slice(0, 40),
            trackingNo: c.trackingNo.slice(0, 60),
          })),
        });
        if (!r.ok) {
          set({ phase: 'editing', progress: null, error: r.error });
          return;
        }
        for (const c of r.value.rows) checks.set(c.line, c);
        set({
          progress: { done: Math.min(complete.length, i + CHECK_CHUNK), total: complete.length },
        });
      }
      // The core sees one chunk at a time; duplicates across chunks are found over the file.
      const orderCount = new Map<string, number>();
      const trackingCount = new Map<string, number>();
      for (const p of complete) {
        orderCount.set(p.orderId, (orderCount.get(p.orderId) ?? 0) + 1);
        const t = normalizeTrackingNo(p.trackingNo);
        trackingCount.set(t, (trackingCount.get(t) ?? 0) + 1);
      }
      // Built in slices with a pause between them, so 20,000 rows never make one long task.
      const rows: PreviewRow[] = [];
      for (let i = 0; i < parsed.length; i += BUILD_SLICE) {
        if (i > 0) await yieldToPage();
        for (const p of parsed.slice(i, i + BUILD_SLICE)) {
          const c = checks.get(p.line);
          const problems: PreviewProblem[] = p.incomplete
            ? ['missing_fields']
            : [...(c?.problems ?? [])];
          if (!p.incomplete) {
            if ((orderCount.get(p.orderId) ?? 0) > 1 && !problems.includes('duplicate_order'))
              problems.push('duplicate_order');
            const t = normalizeTrackingNo(p.trackingNo);
            if ((trackingCount.get(t) ?? 0) > 1 && !problems.includes('duplicate_tracking'))
              problems.push('duplicate_tracking');
          }
          rows.push({
            line: p.line,
            orderId: p.orderId,
            carrier: c?.carrier ?? p.carrier,
            carrierText: p.carrierText,
            trackingNo: c?.trackingNo ?? p.trackingNo,
            problems,
            commandId: uuidv7(),
          });
        }
      }
      set({ phase: 'previewed', rows, progress: null });
    },
    async apply() {
      const good = validRows(get().rows);
      if (good.length === 0) return;
      stopRequested = false;
      set({
        phase: 'applying',
        error: null,
        cancelled: false,
        results: [],
        progress: { done: 0, total: good.length },
      });
      // Each row is its own ship action with the key made at preview, queued in the outbox like
      // any other: offline they wait for sync, and a retried chunk ships nothing twice.
      const results: BatchResult[] = [];
      for (let i = 0; i < good.length; i += APPLY_CHUNK) {
        if (stopRequested) break;
        const chunk = good.slice(i, i + APPLY_CHUNK);
        const items = chunk.map((g) => ({
          commandId: g.commandId,
          orderId: g.orderId,
          carrier: g.carrier,
          trackingNo: g.trackingNo,
        }));
        let r = await desk.shipments.shipMany({ items });
        if (!r.ok && r.error.code === 'unavailable') r = await desk.shipments.shipMany({ items });
        if (!r.ok) {
          for (const g of chunk) results.push({ orderId: g.orderId, ok: false, error: r.error });
        } else {
          for (const [k, res] of r.value.results.entries()) {
            const error = res.error ? (res.error as ErrorInfo) : null;
            results.push({ orderId: res.orderId, ok: res.ok, error });
            if (!res.ok && error)
              sync.getState().recordRejected({
                commandId: chunk[k]?.commandId ?? '',
                orderId: res.orderId,
                method: 'shipments.ship',
                at: Date.now(),
                ...error,
              });
          }
        }
        set({ results: [...results], progress: { done: results.length, total: good.length } });
      }
      set({ phase: 'applied', results, cancelled: stopRequested, progress: null });
    },
    cancel() {
      stopRequested = true;
    },
    reset() {
      stopRequested = true;
      set({
        phase: 'editing',
        rows: [],
        results: [],
        error: null,
        progress: null,
        encoding: null,
        cancelled: false,
      });
    },
  }));
}

export type BatchShipStore = ReturnType<typeof createBatchShipStore>;
