import type { DeskTransport, TopicName } from '../../shared/contract/types.ts';
import type { Result } from '../../shared/errors.ts';

const DESK_PROTOCOL = 'escrow-desk.v1';
const TOKEN_PROTOCOL_PREFIX = 'desk-token.';

type Frame =
  { id: number | null; result: Result<unknown> } | { topic: TopicName; payload: unknown };

/**
 * Web mode's transport: contract calls over one WebSocket to the loopback desk server. The
 * per-launch token rides in the subprotocol list (the only header a browser lets a page set).
 * A dropped connection fails its calls with `unavailable` and reconnects on the next call.
 */
export function webSocketTransport(url: string, token: string): DeskTransport {
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<TopicName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let nextId = 1;

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(url, [DESK_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`]);
      ws.addEventListener('open', () => {
        socket = ws;
        resolve(ws);
      });
      ws.addEventListener('message', (event) => {
        let frame: Frame;
        try {
          frame = JSON.parse(String(event.data)) as Frame;
        } catch {
          return;
        }
        if ('topic' in frame) {
          for (const listener of listeners.get(frame.topic) ?? []) listener(frame.payload);
        } else if (frame.id !== null) {
          const settle = pending.get(frame.id);
          pending.delete(frame.id);
          settle?.(frame.result);
        }
      });
      ws.addEventListener('close', () => {
        socket = null;
        opened = null;
        for (const [id, settle] of pending) {
          pending.delete(id);
          settle({
            ok: false,
            error: { code: 'unavailable', message: 'connection to the desk lost' },
          });
        }
        reject(new Error('closed'));
      });
    });
    opened.catch(() => {});
    return opened;
  }

  return {
    async invoke(method, input) {
      let ws: WebSocket;
      try {
        ws = socket ?? (await connect());
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'cannot reach the desk' } };
      }
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, input }));
      });
    },
    subscribe(topic, listener) {
      let set = listeners.get(topic);
      if (!set) listeners.set(topic, (set = new Set()));
      set.add(listener);
      void connect().catch(() => {});
      return () => void set.delete(listener);
    },
  };
}
