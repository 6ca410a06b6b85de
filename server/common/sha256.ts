import { hash } from 'node:crypto';
import type { Sha256Hex } from '../../shared/ledger/sha256.ts';

/** sha-256 as lowercase hex; the server's implementation of shared/ledger's Sha256Hex. */
export const sha256Hex: Sha256Hex & ((data: string | Uint8Array) => string) = (data) =>
  hash('sha256', data, 'hex');
