/**
 * The signed-in user's session in the core worker, with what it subscribed. Clearing detaches
 * the session before closing it: if closing fails, no call is answered from the previous
 * user's replica any more (the next user's calls are refused until their own session opens).
 */
export interface SessionSlot<S> {
  current(): { session: S; stops: ReadonlyArray<() => void> } | null;
  set(session: S, stops: ReadonlyArray<() => void>): void;
  /** Stops the subscriptions and closes the session; the slot is empty even if that fails. */
  clear(): Promise<void>;
}

export function createSessionSlot<S extends { close(): Promise<void> | void }>(): SessionSlot<S> {
  let held: { session: S; stops: ReadonlyArray<() => void> } | null = null;
  return {
    current: () => held,
    set(session, stops) {
      held = { session, stops };
    },
    async clear() {
      const previous = held;
      held = null;
      if (!previous) return;
      for (const stop of previous.stops) stop();
      await previous.session.close();
    },
  };
}
