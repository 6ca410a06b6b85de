import { findJsonProblem, MAX_JSON_DEPTH } from '../common/jsonSafety.ts';
import type { JsonProblem } from '../common/jsonSafety.ts';

export const SYNC_PUSH_URL = '/v1/sync/push';

/**
 * The push body's own problems, leaving each mutation's `command` alone: a command that is too
 * deep or carries bad text is that mutation's permanent rejection (applyCommand checks it), so
 * one bad mutation consumes its id instead of making the whole batch a 400 the desk would send
 * again for ever. Everything else in the body is bounded here, iteratively.
 */
export function findPushEnvelopeProblem(body: unknown): JsonProblem | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return findJsonProblem(body);
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'mutations' || !Array.isArray(value)) {
      const p = findJsonProblem({ [key]: value });
      if (p) return p;
      continue;
    }
    for (const m of value) {
      if (typeof m !== 'object' || m === null || Array.isArray(m)) {
        const p = findJsonProblem(m, MAX_JSON_DEPTH - 2);
        if (p) return p;
        continue;
      }
      for (const [k, v] of Object.entries(m)) {
        if (k === 'command') continue;
        const p = findJsonProblem({ [k]: v }, MAX_JSON_DEPTH - 2);
        if (p) return p;
      }
    }
  }
  return null;
}
