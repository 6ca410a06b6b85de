import type { UserRole } from '../auth/users.ts';

/**
 * The demo's people, exported so `npm start` (and the README) can print who to log in as.
 * Demo passwords are public by design; never load demo data into a real deployment.
 */
export interface DemoAccount {
  userId: string;
  username: string;
  password: string;
  role: UserRole;
  displayName: string;
  merchantId?: string;
}

export interface DemoMerchant {
  merchantId: string;
  name: string;
  feeBps: number;
  depositFen: number;
  /** The shop's own clock for its days and exports (Asia/Shanghai when absent). */
  timeZone?: string;
}

export const DEMO_MERCHANTS: readonly DemoMerchant[] = [
  { merchantId: 'm-hz-tea', name: '杭州西湖龙井茶庄', feeBps: 60, depositFen: 5_000_000 },
  { merchantId: 'm-sz-elec', name: '深圳华强电子', feeBps: 80, depositFen: 2_000_000 },
  {
    merchantId: 'm-tp-craft',
    name: '臺北手作工坊',
    feeBps: 50,
    depositFen: 1_000_000,
    timeZone: 'Asia/Taipei',
  },
  {
    merchantId: 'm-ldn-books',
    name: 'London Rare Books',
    feeBps: 100,
    depositFen: 3_000_000,
    timeZone: 'Europe/London',
  },
];

const PASSWORD = 'escrow-demo-2005';

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  ...DEMO_MERCHANTS.flatMap((m, i): DemoAccount[] => [
    {
      userId: `u-staff-${i + 1}`,
      username: `staff${i + 1}`,
      password: PASSWORD,
      role: 'seller_staff',
      displayName: `${m.name} · staff`,
      merchantId: m.merchantId,
    },
    {
      userId: `u-admin-${i + 1}`,
      username: `admin${i + 1}`,
      password: PASSWORD,
      role: 'seller_admin',
      displayName: `${m.name} · admin`,
      merchantId: m.merchantId,
    },
  ]),
  {
    userId: 'u-agent-li',
    username: 'agent.li',
    password: PASSWORD,
    role: 'agent',
    displayName: '李客服',
  },
  {
    userId: 'u-agent-kim',
    username: 'agent.kim',
    password: PASSWORD,
    role: 'agent',
    displayName: 'Kim Park',
  },
  {
    userId: 'u-senior-zhao',
    username: 'senior.zhao',
    password: PASSWORD,
    role: 'senior_agent',
    displayName: '赵主管',
  },
  {
    userId: 'u-senior-ward',
    username: 'senior.ward',
    password: PASSWORD,
    role: 'senior_agent',
    displayName: 'Alice Ward',
  },
  // Treasury (issue 16): statements, reconciliation, payout batches; two for maker-checker.
  {
    userId: 'u-finance-wu',
    username: 'finance.wu',
    password: PASSWORD,
    role: 'finance',
    displayName: '吴会计',
  },
  {
    userId: 'u-finance-hale',
    username: 'finance.hale',
    password: PASSWORD,
    role: 'finance',
    displayName: 'Sam Hale',
  },
  {
    userId: 'b-zhang',
    username: 'buyer.zhang',
    password: PASSWORD,
    role: 'buyer',
    displayName: '张伟',
  },
  {
    userId: 'b-chen',
    username: 'buyer.chen',
    password: PASSWORD,
    role: 'buyer',
    displayName: '陳美玲',
  },
  {
    userId: 'b-smith',
    username: 'buyer.smith',
    password: PASSWORD,
    role: 'buyer',
    displayName: 'John Smith',
  },
];
