/**
 * The application menu as data (Electron's MenuItemConstructorOptions shape), labelled in the
 * desk's language. Roles carry the platform's usual shortcuts (copy, paste, undo, reload…), so
 * only the desk's own items name an accelerator.
 */
export type MenuLocale = 'zh-CN' | 'zh-TW' | 'en';

export interface MenuItemSpec {
  label?: string;
  role?: string;
  type?: 'separator';
  accelerator?: string;
  id?: string;
  submenu?: MenuItemSpec[];
}

const LABELS = {
  'zh-CN': {
    file: '文件',
    edit: '编辑',
    view: '视图',
    window: '窗口',
    help: '帮助',
    orders: '订单列表',
    sync: '立即同步',
    about: '关于 Escrow Desk',
    docs: '使用帮助',
  },
  'zh-TW': {
    file: '檔案',
    edit: '編輯',
    view: '檢視',
    window: '視窗',
    help: '說明',
    orders: '訂單列表',
    sync: '立即同步',
    about: '關於 Escrow Desk',
    docs: '使用說明',
  },
  en: {
    file: 'File',
    edit: 'Edit',
    view: 'View',
    window: 'Window',
    help: 'Help',
    orders: 'Orders',
    sync: 'Sync now',
    about: 'About Escrow Desk',
    docs: 'Help',
  },
} as const;

export function menuTemplate(
  locale: MenuLocale,
  platform: NodeJS.Platform,
  devTools: boolean,
): MenuItemSpec[] {
  const t = LABELS[locale];
  const mac = platform === 'darwin';
  const menu: MenuItemSpec[] = [];
  if (mac) {
    menu.push({
      role: 'appMenu',
      submenu: [
        { role: 'about', label: t.about },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  menu.push({
    label: t.file,
    submenu: [
      { id: 'go-orders', label: t.orders, accelerator: 'CmdOrCtrl+1' },
      { id: 'sync-now', label: t.sync, accelerator: 'CmdOrCtrl+Shift+S' },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  });
  menu.push({
    label: t.edit,
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });
  const view: MenuItemSpec[] = [
    { role: 'reload' },
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (devTools) view.push({ role: 'toggleDevTools' });
  menu.push({ label: t.view, submenu: view });
  menu.push({
    label: t.window,
    submenu: mac
      ? [{ role: 'minimize' }, { role: 'zoom' }, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  });
  menu.push({
    label: t.help,
    role: 'help',
    submenu: [{ id: 'open-help', label: t.docs, accelerator: 'F1' }],
  });
  return menu;
}
