/**
 * Runs several variants round by round (A B C, B C A, C A B, ...) so that they share the machine's noise:
 * a slow moment hits every variant, and no variant always runs first or last. Runs never overlap.
 */
export async function interleave<Variant, Sample>(
  variants: readonly Variant[],
  rounds: number,
  measure: (variant: Variant, round: number) => Promise<Sample>,
): Promise<Map<Variant, Sample[]>> {
  const samples = new Map<Variant, Sample[]>(variants.map((variant) => [variant, []]));
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < variants.length; offset++) {
      const variant = variants[(round + offset) % variants.length] as Variant;
      samples.get(variant)?.push(await measure(variant, round));
    }
  }
  return samples;
}

/** The samples of one variant; throws if it was not measured. */
export function samplesOf<Variant, Sample>(
  samples: ReadonlyMap<Variant, Sample[]>,
  variant: Variant,
): Sample[] {
  const found = samples.get(variant);
  if (!found || found.length === 0) throw new Error(`no samples for ${String(variant)}`);
  return found;
}
