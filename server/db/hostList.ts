/**
 * libpq's multi-host connection strings for node-postgres, which accepts one host only (pg 8.23,
 * the newest release, has no multi-host support; brianc/node-postgres#3643 is an open pull
 * request). `postgres://user@h1:5432,h2:5433/db?target_session_attrs=read-write` becomes one
 * single-host URL per host, tried in order by `FailoverPool`.
 */
export type TargetSessionAttrs = 'any' | 'read-write' | 'primary';

export interface HostList {
  /** One connection string per host, in the order given, without the libpq-only parameters. */
  urls: string[];
  /** `host:port` of each, for messages (never the password). */
  labels: string[];
  targetSessionAttrs: TargetSessionAttrs;
  /** libpq's `connect_timeout` (seconds) in ms: how long one host may take to answer. */
  connectTimeoutMs: number;
}

const URL_PARTS = /^(postgres(?:ql)?:\/\/)([^@/?#]*@)?([^/?#]*)(.*)$/i;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export class HostListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostListError';
  }
}

export function parseHostList(url: string): HostList {
  const m = URL_PARTS.exec(url);
  // Not a URL (a key=value string or a socket path): node-postgres takes it as it is.
  if (!m)
    return {
      urls: [url],
      labels: ['(connection string)'],
      targetSessionAttrs: 'any',
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
    };
  const [, scheme = '', userInfo = '', hostPart = '', rest = ''] = m;
  const queryAt = rest.indexOf('?');
  const path = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const params = new URLSearchParams(queryAt < 0 ? '' : rest.slice(queryAt + 1));

  const attrs = params.get('target_session_attrs') ?? 'any';
  if (attrs !== 'any' && attrs !== 'read-write' && attrs !== 'primary')
    throw new HostListError(
      `target_session_attrs=${attrs} is not supported: the API writes, so use read-write, primary or any`,
    );
  params.delete('target_session_attrs');
  const timeoutText = params.get('connect_timeout');
  params.delete('connect_timeout');
  let connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  if (timeoutText !== null) {
    if (!/^\d{1,6}$/.test(timeoutText))
      throw new HostListError('connect_timeout must be a whole number of seconds');
    // libpq treats 0 as "wait forever"; a failover needs a bound, so 0 keeps the default.
    if (Number(timeoutText) > 0) connectTimeoutMs = Number(timeoutText) * 1000;
  }

  const hosts = hostPart.split(',');
  if (hosts.some((h) => h === '') && hosts.length > 1)
    throw new HostListError('empty host in the host list');
  const query = params.toString();
  return {
    urls: hosts.map((h) => `${scheme}${userInfo}${h}${path}${query ? `?${query}` : ''}`),
    labels: hosts.map((h) => (/:\d+$/.test(h) ? h : `${h || 'localhost'}:5432`)),
    targetSessionAttrs: attrs,
    connectTimeoutMs,
  };
}
