import type { DeskApi } from '../../shared/contract/types.ts';
import type { Result } from '../../shared/errors.ts';
import type { OrderFilters, OrderQueue, OrderRow } from '../stores/orderListStore.ts';

/** The search's page limit (the contract's cap). */
const PAGE = 500;

/**
 * Every row of a filtered list, not only the pages on screen: "select all" and "print all N in
 * this filter" act on what the filter matches, however far the table has been scrolled.
 */
export async function rowsInFilter(
  desk: DeskApi,
  filters: OrderFilters,
  queue?: OrderQueue,
): Promise<Result<OrderRow[]>> {
  const rows: OrderRow[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const r = await desk.orders.search({
      offset,
      limit: PAGE,
      ...(filters.text.trim() ? { text: filters.text.trim() } : {}),
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.fromMs !== null ? { fromMs: filters.fromMs } : {}),
      ...(filters.toMs !== null ? { toMs: filters.toMs } : {}),
      ...(queue ? { queue } : {}),
    });
    if (!r.ok) return r;
    rows.push(...r.value.rows);
    if (r.value.rows.length < PAGE || rows.length >= r.value.total)
      return { ok: true, value: rows };
  }
}
