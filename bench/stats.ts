/** The q-quantile (nearest rank) of a sample. */
export function percentile(sample: readonly number[], q: number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** The median of a sample of rounds (nearest rank: the middle one of an odd count). */
export const median = (xs: readonly number[]) => percentile(xs, 0.5);
