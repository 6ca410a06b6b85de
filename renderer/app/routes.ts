import type { ComponentType } from 'react';
import type { MessageKey } from '../i18n/catalogEn.ts';
import { BalanceView } from '../views/balance/BalanceView.tsx';
import { OrderDetailPanel } from '../views/orders/OrderDetailPanel.tsx';
import { OrdersView } from '../views/orders/OrdersView.tsx';
import { RefundsView } from '../views/refunds/RefundsView.tsx';
import { ShippingView } from '../views/shipping/ShippingView.tsx';
import { SyncIssuesView } from '../views/sync/SyncIssuesView.tsx';
import { SellerClaimsView } from '../views/claims/SellerClaimsView.tsx';
import { CaseQueueView } from '../views/disputes/CaseQueueView.tsx';
import { DeskMetricsView } from '../views/disputes/DeskMetricsView.tsx';
import { EscalationsView } from '../views/escalations/EscalationsView.tsx';
import { FinanceView } from '../views/treasury/FinanceView.tsx';
import { WithdrawalsView } from '../views/treasury/WithdrawalsView.tsx';

type Role =
  | 'seller_staff'
  | 'seller_admin'
  | 'agent'
  | 'senior_agent'
  | 'buyer'
  | 'finance'
  | 'bank'
  | 'system';

export interface RouteDef {
  id: string;
  labelKey: MessageKey;
  /** Roles that see this view; the server still enforces every rule behind it. */
  roles: readonly Role[];
  view: ComponentType;
  /**
   * Shows the count of actions waiting for sync next to the label. One tab only (orders): the
   * same pending ship counted again on shipping and refunds read as three times the work.
   */
  showsPending?: boolean;
  /**
   * A side panel that belongs to this tab only: it shows beside this view and closes when the
   * user leaves the tab, so it never squeezes another tab's content.
   */
  panel?: ComponentType;
}

const SELLER: readonly Role[] = ['seller_staff', 'seller_admin'];

/**
 * The navigation, in order. A new area adds its entries here (views in renderer/views/<area>/,
 * their stores in renderer/stores/; the dispute desk's are listed with roles ['agent',
 * 'senior_agent']); the shell
 * shows each user only the routes of their role.
 */
export const ROUTES: RouteDef[] = [
  {
    id: 'orders',
    labelKey: 'nav.orders',
    roles: SELLER,
    view: OrdersView,
    showsPending: true,
    panel: OrderDetailPanel,
  },
  {
    id: 'shipping',
    labelKey: 'nav.shipping',
    roles: SELLER,
    view: ShippingView,
    panel: OrderDetailPanel,
  },
  {
    id: 'refunds',
    labelKey: 'nav.refunds',
    roles: SELLER,
    view: RefundsView,
    panel: OrderDetailPanel,
  },
  { id: 'balance', labelKey: 'nav.balance', roles: SELLER, view: BalanceView },
  { id: 'claims', labelKey: 'nav.claims', roles: SELLER, view: SellerClaimsView },
  { id: 'withdrawals', labelKey: 'nav.withdrawals', roles: SELLER, view: WithdrawalsView },
  {
    id: 'disputes',
    labelKey: 'nav.disputes',
    roles: ['agent', 'senior_agent'],
    view: CaseQueueView,
  },
  {
    id: 'escalations',
    labelKey: 'nav.escalations',
    roles: ['agent', 'senior_agent'],
    view: EscalationsView,
  },
  { id: 'metrics', labelKey: 'nav.disputeMetrics', roles: ['senior_agent'], view: DeskMetricsView },
  { id: 'finance', labelKey: 'nav.finance', roles: ['finance'], view: FinanceView },
  {
    id: 'sync',
    labelKey: 'nav.sync',
    roles: ['seller_staff', 'seller_admin', 'agent', 'senior_agent'],
    view: SyncIssuesView,
  },
];

export function routesFor(role: Role | undefined): RouteDef[] {
  return role ? ROUTES.filter((r) => r.roles.includes(role)) : [];
}

/**
 * The keyboard help the footer shows on a view: only keys that work there, for the role that
 * sees the view (agents never see the seller's S/A/R). Null where a view has none of its own.
 */
export function shortcutsFor(routeId: string, caseOpen: boolean): MessageKey | null {
  switch (routeId) {
    case 'orders':
      return 'shortcuts.orders';
    case 'shipping':
      return 'shortcuts.search';
    case 'disputes':
      return caseOpen ? 'shortcuts.case' : 'shortcuts.queue';
    default:
      return null;
  }
}
