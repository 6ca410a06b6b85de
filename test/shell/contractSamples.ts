import { uuidv7 } from '../../shared/ids.ts';
import type { MethodInput, MethodName } from '../../shared/contract/types.ts';

/**
 * One valid input per contract method, against the server's demo data (staff1's shop). The mapped type makes a new
 * contract method a compile error here until it has a sample, so no method goes untested.
 */
export const VALID_INPUTS: { [M in MethodName]: () => MethodInput<M> } = {
  'session.signIn': () => ({ username: 'staff1', password: 'escrow-demo-2005' }),
  'session.current': () => ({}),
  'session.signOut': () => ({}),
  'orders.list': () => ({ limit: 3, status: 'funds_held' }),
  'orders.get': () => ({ orderId: 'demo-order-003' }),
  'orders.search': () => ({ offset: 0, limit: 10, queue: 'awaiting_shipment' }),
  'shipments.check': () => ({
    rows: [{ line: 1, orderId: 'demo-order-003', carrier: 'sf', trackingNo: 'SF123456789013' }],
  }),
  'shipments.shipMany': () => ({
    items: [
      {
        commandId: uuidv7(),
        orderId: 'demo-order-001',
        carrier: 'sf',
        trackingNo: 'SF123456789014',
      },
    ],
  }),
  'shipments.ship': () => ({
    commandId: uuidv7(),
    orderId: 'demo-order-003',
    carrier: 'sf',
    trackingNo: 'SF123456789012',
  }),
  'refunds.agree': () => ({
    commandId: uuidv7(),
    orderId: 'demo-order-010',
    refundId: 'demo-refund-3',
  }),
  'refunds.refuse': () => ({
    commandId: uuidv7(),
    orderId: 'demo-order-010',
    refundId: 'demo-refund-3',
    reason: '已发货',
  }),
  'refunds.confirmReturn': () => ({
    commandId: uuidv7(),
    orderId: 'demo-order-010',
    refundId: 'demo-refund-3',
  }),
  'refunds.resolveEscalation': () => ({
    commandId: uuidv7(),
    orderId: 'demo-order-010',
    refundId: 'demo-refund-3',
    outcome: 'refund',
    amountFen: 100,
    note: 'platform decision',
  }),
  'claims.requestSellerEvidence': () => ({
    commandId: uuidv7(),
    orderId: 'demo-order-015',
    claimId: 'demo-claim-3',
  }),
  'claims.submitSellerEvidence': () => ({
    commandId: uuidv7(),
    orderId: 'demo-order-015',
    claimId: 'demo-claim-3',
    note: 'tracking shows delivered',
    evidence: [{ sha256: 'a'.repeat(64), name: 'receipt.png', sizeBytes: 1234, mime: 'image/png' }],
  }),
  'claims.decide': () => ({
    commandId: uuidv7(),
    orderId: 'demo-order-015',
    claimId: 'demo-claim-3',
    decision: 'approve',
    amountFen: 100,
    reasonCode: 'not_received',
    note: '',
  }),
  'claims.secondApproval': () => ({
    commandId: uuidv7(),
    orderId: 'demo-order-015',
    claimId: 'demo-claim-3',
    approve: true,
    note: '',
  }),
  'ledger.balances': () => ({}),
  'ledger.lines': () => ({ scope: 'merchant', offset: 0, limit: 20 }),
  'ledger.statement': () => ({ scope: 'merchant' }),
  'ledger.history': () => ({
    fromMs: Date.now() - 7 * 86_400_000,
    toMs: Date.now(),
    timeZone: 'Asia/Shanghai',
  }),
  'ledger.verify': () => ({}),
  'disputes.queue': () => ({ status: 'new', assignee: 'me', q: '龙井', limit: 50 }),
  'disputes.case': () => ({ claimId: 'demo-claim-1' }),
  'disputes.assign': () => ({ claimId: 'demo-claim-1', assign: true }),
  'disputes.addNote': () => ({ claimId: 'demo-claim-1', body: '买家提供了物流截图' }),
  'disputes.evidenceFile': () => ({ claimId: 'demo-claim-1', sha256: 'a'.repeat(64) }),
  'disputes.audit': () => ({ claimId: 'demo-claim-1' }),
  'disputes.auditExport': () => ({ claimId: 'demo-claim-1' }),
  'disputes.evidencePack': () => ({ claimId: 'demo-claim-1' }),
  'disputes.metrics': () => ({}),
  'disputes.sellerClaims': () => ({}),
  'disputes.uploadEvidence': () => ({ name: 'proof.png', mime: 'image/png', base64: 'iVBORw0K' }),
  'sync.status': () => ({}),
  'sync.now': () => ({}),
  'sync.issues': () => ({}),
  'sync.acknowledgeIssue': () => ({ mutationId: 1 }),
  'print.savePdf': () => ({ fileName: '发货单 2026-11-26.pdf' }),
  'refunds.returnAddress': () => ({}),
  'refunds.setReturnAddress': () => ({
    name: '杭州西湖龙井茶庄 售后',
    mobile: '13800138000',
    address: '浙江省杭州市西湖区龙井路 1 号',
  }),
  'orders.counts': () => ({ text: '龙井' }),
  'orders.annotate': () => ({
    commandId: uuidv7(),
    orderId: 'demo-order-001',
    note: '客户要求周五前发货',
    flag: 'red',
  }),
  'shell.notify': () => ({ title: '新订单已付款', body: 'demo-order-001 · ¥128.00' }),
  'settings.get': () => ({}),
  'settings.set': () => ({ locale: 'en' }),
};
