/** Summaries of repeated measurements: medians with their spread, and ratios of medians. */

export interface Summary {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** First and third quartiles (linear interpolation between ranks). */
  readonly q1: number;
  readonly q3: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples to summarize');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
  };
}

/** The q-quantile of ascending values, interpolating linearly between the two nearest ranks. */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  return low + ((sorted[upper] as number) - low) * (position - lower);
}

/** How many times `slower` exceeds `faster` (e.g. default load time / our load time), from two medians. */
export function ratio(slower: Summary | number, faster: Summary | number): number {
  const numerator = typeof slower === 'number' ? slower : slower.median;
  const denominator = typeof faster === 'number' ? faster : faster.median;
  if (denominator <= 0) throw new Error(`cannot divide by ${denominator}`);
  return numerator / denominator;
}
