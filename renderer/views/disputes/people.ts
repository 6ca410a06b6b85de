import type { Person } from '../../stores/caseQueueStore.ts';

/** A display name for a user id; the id itself only when the directory does not know it. */
export function nameOf(people: readonly Person[], userId: string): string {
  return people.find((p) => p.userId === userId)?.displayName ?? userId;
}
