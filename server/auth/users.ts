import { DeskError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import type { Queryable } from '../db/database.ts';
import { hashPassword } from './passwords.ts';

export type UserRole =
  'seller_staff' | 'seller_admin' | 'agent' | 'senior_agent' | 'buyer' | 'finance';
export const USER_ROLES: readonly UserRole[] = [
  'seller_staff',
  'seller_admin',
  'agent',
  'senior_agent',
  'buyer',
  'finance',
];

export interface NewUser {
  userId: string;
  username: string;
  displayName: string;
  password: string;
  role: UserRole;
  merchantId?: string;
}

export interface UserRow {
  user_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: UserRole;
  merchant_id: string | null;
}

const ID = /^[A-Za-z0-9_.-]{1,80}$/;

export async function createMerchant(
  db: Queryable,
  m: { merchantId: string; name: string; feeBps: number },
  now: number,
): Promise<void> {
  if (!ID.test(m.merchantId)) throw new DeskError('invalid_input', 'bad merchant id');
  await db.query(
    'INSERT INTO merchants (merchant_id, name, fee_bps, created_at) VALUES ($1, $2, $3, $4)',
    [m.merchantId, m.name, m.feeBps, now],
  );
}

export async function createUser(db: Queryable, u: NewUser, now: number): Promise<void> {
  if (!ID.test(u.userId)) throw new DeskError('invalid_input', 'bad user id');
  if (u.password.length < 8) throw new DeskError('invalid_input', 'password too short');
  await db.query(
    `INSERT INTO users (user_id, username, display_name, password_hash, role, merchant_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      u.userId,
      u.username,
      u.displayName,
      await hashPassword(u.password),
      u.role,
      u.merchantId ?? null,
      now,
    ],
  );
}

export function actorOf(user: Pick<UserRow, 'user_id' | 'role' | 'merchant_id'>): Actor {
  return user.merchant_id === null
    ? { role: user.role, userId: user.user_id }
    : { role: user.role, userId: user.user_id, merchantId: user.merchant_id };
}
