import { buildDeskApi } from '../../shared/contract/buildDeskApi.ts';
import { IPC_CALL, IPC_EVENT } from '../../shared/contract/ipcChannels.ts';
import { isTopicName } from '../../shared/contract/validate.ts';
import type { DeskApi, TopicName } from '../../shared/contract/types.ts';
import type { Result } from '../../shared/errors.ts';

/** The two ipcRenderer functions the preload uses; nothing else of it is ever reachable. */
export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Builds `window.desk` from the contract: one function per method, plus `subscribe`. The
 * renderer gets values only: the IPC event object (which would expose `sender`) is dropped,
 * and a listener receives just the payload of a known topic.
 */
export function createPreloadDesk(ipc: PreloadIpc): DeskApi {
  const listeners = new Map<TopicName, Set<(payload: unknown) => void>>();
  ipc.on(IPC_EVENT, (_event, topic, payload) => {
    if (!isTopicName(topic)) return;
    for (const listener of listeners.get(topic) ?? []) listener(payload);
  });
  return buildDeskApi({
    invoke: (method, input) => ipc.invoke(IPC_CALL, method, input) as Promise<Result<unknown>>,
    subscribe(topic, listener) {
      if (!isTopicName(topic)) throw new TypeError('unknown topic');
      let set = listeners.get(topic);
      if (!set) listeners.set(topic, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
  });
}
