import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Web mode's gatekeeping, as pure functions: the desk listens on 127.0.0.1 only, and a page
 * elsewhere (or a DNS-rebound name pointing at 127.0.0.1) must not be able to drive it.
 */

/** The WebSocket subprotocol the desk speaks, and the prefix of the token-carrying one. */
export const DESK_PROTOCOL = 'escrow-desk.v1';
export const TOKEN_PROTOCOL_PREFIX = 'desk-token.';

export function newLaunchToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant time whatever the guess: both sides are hashed to equal-length digests first. */
export function tokenMatches(expected: string, presented: string | null): boolean {
  if (presented === null) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b) && presented.length === expected.length;
}

/** The token offered in `Sec-WebSocket-Protocol` (browsers cannot set other headers). */
export function tokenFromProtocols(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const p = part.trim();
    if (p.startsWith(TOKEN_PROTOCOL_PREFIX)) return p.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return null;
}

/** Host header: only the loopback names of this very port (defeats DNS rebinding). */
export function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}`;
}

/** Origin header: required, and only this server's own loopback origins. */
export function isLoopbackOrigin(origin: string | undefined, port: number): boolean {
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (
    url.protocol === 'http:' &&
    (url.hostname === '127.0.0.1' || url.hostname === 'localhost') &&
    url.port === String(port) &&
    url.origin === origin
  );
}
