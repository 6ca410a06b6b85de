import { formatFen } from '../../shared/money.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { CARRIERS } from '../../shared/shipping/carriers.ts';
import { connectDesk } from '../desk/connectDesk.ts';

/**
 * The shell's own minimal page: sign in, list orders, open one, ship it. It exists so the
 * shell can be started and tested end to end on its own; the real views live elsewhere in
 * renderer/. DOM text is set with textContent only, never parsed as HTML.
 */
const desk = connectDesk();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let currentOrderId: string | null = null;

function show(section: 'signin' | 'orders' | 'order'): void {
  for (const id of ['signin', 'orders', 'order']) $(id).hidden = id !== section;
}

async function listOrders(): Promise<void> {
  const result = await desk.orders.list({ limit: 50 });
  const rows = $('order-rows');
  rows.replaceChildren();
  if (!result.ok) {
    $('whoami').textContent = result.error.message;
    return;
  }
  for (const o of result.value.orders) {
    const tr = document.createElement('tr');
    const open = document.createElement('button');
    open.type = 'button';
    open.textContent = o.orderId;
    open.dataset.testid = `open-${o.orderId}`;
    open.addEventListener('click', () => void openOrder(o.orderId));
    const cells = [
      open,
      document.createTextNode(o.status),
      document.createTextNode(formatFen(o.amountFen, o.currency)),
    ];
    for (const cell of cells) {
      const td = document.createElement('td');
      td.append(cell);
      tr.append(td);
    }
    tr.dataset.testid = `row-${o.orderId}`;
    rows.append(tr);
  }
  show('orders');
}

async function openOrder(orderId: string): Promise<void> {
  currentOrderId = orderId;
  $('order-error').textContent = '';
  const result = await desk.orders.get({ orderId });
  if (!result.ok) {
    $('order-error').textContent = result.error.message;
    return;
  }
  const { order } = result.value;
  $('order-title').textContent = order.orderId;
  $('order-status').textContent = order.status;
  $('order-item').textContent =
    `${order.item.title} × ${order.item.quantity} · ${formatFen(order.amountFen, order.currency)}`;
  $('ship-form').hidden = order.status !== 'funds_held';
  show('order');
}

$<HTMLFormElement>('signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.currentTarget as HTMLFormElement);
  void desk.session
    .signIn({ username: String(form.get('username')), password: String(form.get('password')) })
    .then(async (result) => {
      if (!result.ok) {
        $('signin-error').textContent = result.error.message;
        return;
      }
      $('whoami').textContent = `${result.value.user.displayName} · ${result.value.user.role}`;
      await listOrders();
    });
});

$<HTMLFormElement>('ship-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!currentOrderId) return;
  const form = new FormData(event.currentTarget as HTMLFormElement);
  void desk.shipments
    .ship({
      commandId: uuidv7(),
      orderId: currentOrderId,
      carrier: String(form.get('carrier')),
      trackingNo: String(form.get('trackingNo')),
    })
    .then(async (result) => {
      if (!result.ok) {
        $('order-error').textContent = `${result.error.code}: ${result.error.message}`;
        return;
      }
      await openOrder(result.value.order.orderId);
    });
});

for (const carrier of CARRIERS) {
  const option = document.createElement('option');
  option.value = carrier.id;
  option.textContent = `${carrier.id} (${carrier.example})`;
  $('carrier').append(option);
}

$('back').addEventListener('click', () => void listOrders());

desk.subscribe('orders.changed', (payload) => {
  if (currentOrderId && payload.orderIds.includes(currentOrderId) && !$('order').hidden)
    void openOrder(currentOrderId);
  // The replica fills after sign-in (its first pull): the list follows what arrives.
  if (!$('orders').hidden) void listOrders();
});

void desk.session.current({}).then((result) => {
  if (result.ok && result.value.user) {
    $('whoami').textContent = `${result.value.user.displayName} · ${result.value.user.role}`;
    void listOrders();
  } else {
    show('signin');
  }
});
