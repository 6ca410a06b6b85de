import { createStore } from 'zustand/vanilla';
import type { DeskApi, MethodInput, MethodOutput } from '../../shared/contract/types.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import {
  DEFAULT_MERCHANT_TIME_ZONE,
  localDayStart,
  nextLocalDayStart,
} from '../../shared/merchantTime.ts';
import { DAY_MS } from '../../shared/time.ts';
import { ledgerCsv } from '../balance/ledgerCsv.ts';
import type { LedgerLine, StatementRow } from '../balance/ledgerCsv.ts';
import type { Translator } from '../i18n/translate.ts';

export type BalancePoint = MethodOutput<'ledger.history'>['points'][number];
export type LedgerScope = MethodInput<'ledger.lines'>['scope'];

export interface BalanceFigures {
  heldFen: number;
  availableFen: number;
  depositFen: number;
  recoveredFen: number;
}

export interface LedgerFilters {
  scope: LedgerScope;
  kind: string | null;
  fromMs: number | null;
  toMs: number | null;
}

export interface BalanceState {
  figures: BalanceFigures | null;
  history: BalancePoint[];
  historyDays: number;
  filters: LedgerFilters;
  lines: LedgerLine[];
  total: number;
  /** Opening, movement and closing per account for the filters' period (kind aside). */
  statement: StatementRow[];
  /** The merchant's IANA zone: its days group the chart and its clock times the export. */
  timeZone: string;
  error: ErrorInfo | null;
  load(): Promise<void>;
  /** The shop's zone from the server (or as last fetched, offline); returns it. */
  loadTimeZone(): Promise<string>;
  setTimeZone(timeZone: string): Promise<void>;
  /** Changes the shop's zone on the server (seller admins); false with `error` set if refused. */
  changeTimeZone(timeZone: string): Promise<boolean>;
  setFilters(patch: Partial<LedgerFilters>): Promise<void>;
  loadMore(): Promise<void>;
  /**
   * The filtered ledger as CSV in `tr`'s language (see ledgerCsv), or null (with `error` set)
   * if the desk refused a page.
   */
  exportCsv(tr: Translator): Promise<string | null>;
}

const LINES_PAGE = 100;
const EXPORT_PAGE = 1000;

/**
 * The merchant's money: what is held in escrow, available, the deposit, compensation
 * recovered from them; the ledger lines behind it; and held vs released per day.
 */
export function createBalanceStore(desk: DeskApi, nowMs: () => number = Date.now) {
  return createStore<BalanceState>()((set, get) => {
    const query = (offset: number, limit: number) => {
      const f = get().filters;
      return {
        scope: f.scope,
        offset,
        limit,
        ...(f.kind ? { kind: f.kind } : {}),
        ...(f.fromMs !== null ? { fromMs: f.fromMs } : {}),
        ...(f.toMs !== null ? { toMs: f.toMs } : {}),
      };
    };

    async function loadFigures(): Promise<void> {
      const [sheet, recovery] = await Promise.all([
        desk.ledger.balances({}),
        desk.ledger.lines({ scope: 'merchant', kind: 'recovery', offset: 0, limit: 1000 }),
      ]);
      if (!sheet.ok) return set({ error: sheet.error });
      const account = (suffix: string) =>
        sheet.value.accounts
          .filter((a) => a.account.endsWith(`:${suffix}`) && a.currency === 'CNY')
          .reduce((sum, a) => sum + a.balanceFen, 0);
      set({
        figures: {
          heldFen: sheet.value.escrowHeld.find((h) => h.currency === 'CNY')?.heldFen ?? 0,
          availableFen: account('available'),
          depositFen: account('deposit'),
          // A recovery debits the merchant's accounts (debit +): that is money taken back.
          recoveredFen: recovery.ok
            ? recovery.value.lines.reduce((sum, l) => sum + Math.max(0, l.signedFen), 0)
            : 0,
        },
      });
    }

    async function loadHistory(): Promise<void> {
      const { historyDays: days, timeZone } = get();
      // Whole local days of the merchant, the last one being today.
      const toMs = nextLocalDayStart(nowMs(), timeZone);
      const fromMs = localDayStart(toMs - days * DAY_MS + DAY_MS / 2, timeZone);
      const r = await desk.ledger.history({ fromMs, toMs, timeZone });
      if (r.ok) set({ history: r.value.points });
    }

    async function loadStatement(): Promise<StatementRow[] | null> {
      const f = get().filters;
      const r = await desk.ledger.statement({
        scope: f.scope,
        ...(f.fromMs !== null ? { fromMs: f.fromMs } : {}),
        ...(f.toMs !== null ? { toMs: f.toMs } : {}),
      });
      if (!r.ok) {
        set({ error: r.error });
        return null;
      }
      set({ statement: r.value.accounts });
      return r.value.accounts;
    }

    async function loadLines(): Promise<void> {
      const lines = (async () => {
        const r = await desk.ledger.lines(query(0, LINES_PAGE));
        if (r.ok) set({ lines: r.value.lines, total: r.value.total, error: null });
        else set({ error: r.error });
      })();
      await Promise.all([lines, loadStatement()]);
    }

    return {
      figures: null,
      history: [],
      historyDays: 30,
      filters: { scope: 'merchant', kind: null, fromMs: null, toMs: null },
      lines: [],
      total: 0,
      statement: [],
      timeZone: DEFAULT_MERCHANT_TIME_ZONE,
      error: null,
      async load() {
        await get().loadTimeZone();
        await Promise.all([loadFigures(), loadHistory(), loadLines()]);
      },
      async loadTimeZone() {
        const r = await desk.merchant.settings({});
        // Without an answer the zone in hand stands (the default until the desk knows better).
        if (r.ok && r.value.timeZone !== get().timeZone) set({ timeZone: r.value.timeZone });
        return get().timeZone;
      },
      async changeTimeZone(timeZone) {
        const r = await desk.merchant.setTimeZone({ timeZone });
        if (!r.ok) {
          set({ error: r.error });
          return false;
        }
        set({ error: null });
        await get().setTimeZone(r.value.timeZone);
        return true;
      },
      async setTimeZone(timeZone) {
        if (timeZone === get().timeZone) return;
        set({ timeZone });
        await loadHistory();
      },
      async setFilters(patch) {
        set((s) => ({ filters: { ...s.filters, ...patch } }));
        await loadLines();
      },
      async loadMore() {
        const r = await desk.ledger.lines(query(get().lines.length, LINES_PAGE));
        if (r.ok) set((s) => ({ lines: [...s.lines, ...r.value.lines], total: r.value.total }));
      },
      async exportCsv(tr) {
        const statement = await loadStatement();
        if (statement === null) return null;
        const all: LedgerLine[] = [];
        for (;;) {
          const r = await desk.ledger.lines(query(all.length, EXPORT_PAGE));
          if (!r.ok) {
            set({ error: r.error });
            return null;
          }
          all.push(...r.value.lines);
          if (r.value.lines.length < EXPORT_PAGE || all.length >= r.value.total) break;
        }
        const { timeZone, filters } = get();
        return ledgerCsv(all, statement, tr, { timeZone, runningBalance: filters.kind === null });
      },
    };
  });
}

export type BalanceStore = ReturnType<typeof createBalanceStore>;
