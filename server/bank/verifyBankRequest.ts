import type { FastifyRequest } from 'fastify';
import { DeskError } from '../../shared/errors.ts';
import type { Clock } from '../clock.ts';
import { findBankKey } from './bankKeys.ts';
import type { BankKeyring } from './bankKeys.ts';
import { checkSignature, parseSignatureHeader, SIGNATURE_HEADER } from './notificationSignature.ts';

/**
 * Every signed bank request (payment notifications, payout results) is checked here, over the
 * exact bytes received and before anything in the body is trusted beyond the bank's name:
 * unknown bank or key id, a bad MAC and a stale timestamp are all `unauthorized`.
 */
export function verifyBankRequest(req: FastifyRequest, ring: BankKeyring, clock: Clock): void {
  const bank = (req.body as { bank?: unknown } | undefined)?.bank;
  const header = req.headers[SIGNATURE_HEADER];
  const headerText = typeof header === 'string' ? header : undefined;
  const kid = parseSignatureHeader(headerText)?.kid;
  const key =
    typeof bank === 'string' && kid !== undefined ? findBankKey(ring, bank, kid) : undefined;
  if (!key) throw new DeskError('unauthorized', 'unknown bank or key id');
  const check = checkSignature(key.secret, req.rawBody ?? '', headerText, clock.now());
  if (check === 'stale')
    throw new DeskError('unauthorized', 'the signature is too old (replay refused)');
  if (check !== 'ok') throw new DeskError('unauthorized', 'bad signature');
}
