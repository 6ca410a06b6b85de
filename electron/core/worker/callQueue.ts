/**
 * How the core worker orders its work (coreWorker.ts). Messages are handled in arrival order,
 * one after another:
 * - `inOrder`: waits for the one before it to finish, and holds the ones behind it;
 * - `beside`: may take long without holding the ones behind it (a verify that only reads, for
 *   seconds); it still starts in its turn, after everything before it;
 * - `barrier`: waits for everything before it, `beside` ones included, so a session switch
 *   never races a call of the previous session.
 */
export type QueuePlace = 'inOrder' | 'beside' | 'barrier';

export function createCallQueue<M>(
  handle: (message: M) => Promise<void>,
  placeOf: (message: M) => QueuePlace,
): (message: M) => void {
  let queue: Promise<void> = Promise.resolve();
  const besides = new Set<Promise<void>>();
  return (message) => {
    const place = placeOf(message);
    queue = queue.then(async () => {
      if (place === 'barrier') await Promise.all(besides);
      const done = handle(message).catch(() => undefined);
      if (place !== 'beside') return done;
      besides.add(done);
      void done.then(() => besides.delete(done));
    });
  };
}
