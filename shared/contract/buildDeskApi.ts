import type { Result } from '../errors.ts';
import { METHOD_NAMES } from './validate.ts';
import type { DeskApi, DeskTransport, MethodName, TopicName } from './types.ts';

/**
 * Turns a transport into the typed `desk` object: one function per contract method, grouped by
 * namespace (`desk.orders.list`), plus `subscribe`. Used by the preload (IPC) and by the
 * renderer's WebSocket client, so both expose exactly the contract's methods.
 */
export function buildDeskApi(transport: DeskTransport): DeskApi {
  const api: Record<string, Record<string, (input: unknown) => Promise<Result<unknown>>>> = {};
  for (const method of METHOD_NAMES) {
    const [ns, fn] = splitMethod(method);
    const group = (api[ns] ??= {});
    group[fn] = (input: unknown) => transport.invoke(method, input);
  }
  const subscribe = (topic: TopicName, listener: (payload: never) => void) =>
    transport.subscribe(topic, listener as (payload: unknown) => void);
  return { ...api, subscribe } as unknown as DeskApi;
}

export function splitMethod(method: MethodName): [string, string] {
  const dot = method.indexOf('.');
  return [method.slice(0, dot), method.slice(dot + 1)];
}
