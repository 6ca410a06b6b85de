import type { ComponentType } from 'react';
import type { MessageKey } from '../i18n/catalogEn.ts';
import { BalanceView } from '../views/balance/BalanceView.tsx';
import { OrdersView } from '../views/orders/OrdersView.tsx';
import { RefundsView } from '../views/refunds/RefundsView.tsx';
import { ShippingView } from '../views/shipping/ShippingView.tsx';
import { SyncIssuesView } from '../views/sync/SyncIssuesView.tsx';
import { CaseQueueView } from '../disputes/CaseQueueView.tsx';
import { DeskMetricsView } from '../disputes/DeskMetricsView.tsx';
import { SellerClaimsView } from '../disputes/SellerClaimsView.tsx';
import { FinanceView } from '../treasury/FinanceView.tsx';
import { WithdrawalsView } from '../treasury/WithdrawalsView.tsx';

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
  /** Shows the count of actions waiting for sync next to the label. */
  showsPending?: boolean;
}

const SELLER: readonly Role[] = ['seller_staff', 'seller_admin'];

/**
 * The navigation, in order. A new area adds its entries here (the dispute desk's agent views
 * go in renderer/disputes/ and are listed with roles ['agent', 'senior_agent']); the shell
 * shows each user only the routes of their role.
 */
export const ROUTES: RouteDef[] = [
  { id: 'orders', labelKey: 'nav.orders', roles: SELLER, view: OrdersView, showsPending: true },
  {
    id: 'shipping',
    labelKey: 'nav.shipping',
    roles: SELLER,
    view: ShippingView,
    showsPending: true,
  },
  { id: 'refunds', labelKey: 'nav.refunds', roles: SELLER, view: RefundsView, showsPending: true },
  { id: 'balance', labelKey: 'nav.balance', roles: SELLER, view: BalanceView },
  { id: 'claims', labelKey: 'nav.claims', roles: SELLER, view: SellerClaimsView },
  { id: 'withdrawals', labelKey: 'nav.withdrawals', roles: SELLER, view: WithdrawalsView },
  {
    id: 'disputes',
    labelKey: 'nav.disputes',
    roles: ['agent', 'senior_agent'],
    view: CaseQueueView,
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
