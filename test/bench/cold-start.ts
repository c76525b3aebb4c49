/**
 * Cold start: the shipped bundle against alternatives built in the same run from the same handler with
 * rule/build.ts (only the named option differs), each loaded in fresh Node processes, interleaved.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { buildRule, RULE_BUNDLE } from '../../rule/build';
import { heading, kib, mib, spread, table, times } from './format';
import { interleave, samplesOf } from './interleave';
import { type LoadSample, measureLoad } from './load-time';
import { ratio, type Summary, summarize } from './statistics';

export interface BundleVariant {
  readonly id: string;
  readonly description: string;
  /** Applied over RULE_BUILD_OPTIONS; {} = the shipped build. */
  readonly overrides: BuildOptions;
}

export const OURS: BundleVariant = {
  id: 'ours',
  description: 'rule/build.ts as shipped: mainFields module,main + inlineConstantSchemaKeys',
  overrides: {},
};
export const ESBUILD_DEFAULT: BundleVariant = {
  id: 'esbuild-default',
  description: 'mainFields unset: the SDK’s CommonJS builds (the plugin then matches nothing)',
  overrides: { mainFields: undefined },
};
export const SDK_EXTERNAL: BundleVariant = {
  id: 'sdk-external',
  description: '@aws-sdk/* external (the runtime’s copy; loaded from node_modules)',
  overrides: { external: ['@aws-sdk/*'] },
};
export const OURS_WITHOUT_PLUGIN: BundleVariant = {
  id: 'ours-without-plugin',
  description: 'as shipped, without the inlineConstantSchemaKeys plugin',
  overrides: { plugins: [] },
};
export const BUNDLE_VARIANTS = [OURS, ESBUILD_DEFAULT, SDK_EXTERNAL, OURS_WITHOUT_PLUGIN] as const;

export interface ColdStartOptions {
  /** Where the bundles are written. It must lie inside the repository, so the SDK-external bundle finds
   * node_modules the way it would find the Lambda runtime's copy. */
  readonly directory: string;
  /** Measured loads per variant (after one discarded warm-up round that fills the file cache). */
  readonly runs: number;
}

export interface VariantFigures {
  readonly variant: BundleVariant;
  readonly bundle: string;
  readonly bytes: number;
  readonly loadMs: Summary;
  readonly rssBytes: Summary;
}

export interface ColdStartResult {
  readonly variants: readonly VariantFigures[];
  /** Resident memory of a Node process that loaded nothing. */
  readonly baselineRssBytes: Summary;
  /** dist/rule/index.js (from `npm run build`), when present: its size and whether it is the "ours" build. */
  readonly shipped?: { readonly bytes: number; readonly identicalToOurs: boolean };
}

const BASELINE = 'node only';

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const bundles = new Map<BundleVariant, string>();
  for (const variant of BUNDLE_VARIANTS) {
    const outfile = join(options.directory, variant.id, 'index.js');
    await buildRule(outfile, variant.overrides);
    bundles.set(variant, outfile);
  }
  const subjects = [...BUNDLE_VARIANTS, BASELINE] as const;
  const load = (subject: (typeof subjects)[number]) =>
    measureLoad(subject === BASELINE ? undefined : bundles.get(subject));
  await interleave(subjects, 1, load);
  const samples = await interleave(subjects, options.runs, load);
  const summary = (subject: (typeof subjects)[number], pick: (sample: LoadSample) => number) =>
    summarize(samplesOf(samples, subject).map(pick));

  const ours = bundles.get(OURS) as string;
  return {
    variants: BUNDLE_VARIANTS.map((variant) => {
      const bundle = bundles.get(variant) as string;
      return {
        variant,
        bundle,
        bytes: statSync(bundle).size,
        loadMs: summary(variant, (sample) => sample.loadMs),
        rssBytes: summary(variant, (sample) => sample.rssBytes),
      };
    }),
    baselineRssBytes: summary(BASELINE, (sample) => sample.rssBytes),
    ...(existsSync(RULE_BUNDLE) && {
      shipped: {
        bytes: statSync(RULE_BUNDLE).size,
        identicalToOurs: readFileSync(RULE_BUNDLE).equals(readFileSync(ours)),
      },
    }),
  };
}

export function figuresOf(result: ColdStartResult, variant: BundleVariant): VariantFigures {
  const found = result.variants.find((figures) => figures.variant === variant);
  if (!found) throw new Error(`variant ${variant.id} was not measured`);
  return found;
}

/** Load-time ratios of the comparisons the issue asks for (>1 = ours loads faster). */
export function coldStartRatios(result: ColdStartResult) {
  const ours = figuresOf(result, OURS);
  return {
    versusDefault: ratio(figuresOf(result, ESBUILD_DEFAULT).loadMs, ours.loadMs),
    versusSdkExternal: ratio(figuresOf(result, SDK_EXTERNAL).loadMs, ours.loadMs),
    pluginEffect: ratio(figuresOf(result, OURS_WITHOUT_PLUGIN).loadMs, ours.loadMs),
    sizeVersusDefault: ratio(figuresOf(result, ESBUILD_DEFAULT).bytes, ours.bytes),
    sizePluginEffect: ratio(figuresOf(result, OURS_WITHOUT_PLUGIN).bytes, ours.bytes),
  };
}

export function reportColdStart(result: ColdStartResult): string {
  const ours = figuresOf(result, OURS);
  const ratios = coldStartRatios(result);
  const runs = ours.loadMs.runs;
  const rows = result.variants.map(({ variant, bytes, loadMs, rssBytes }) => [
    variant.id,
    kib(bytes),
    spread(loadMs),
    times(ratio(loadMs, ours.loadMs)),
    mib(rssBytes.median),
    variant.description,
  ]);
  const shipped = result.shipped
    ? `dist/rule/index.js: ${kib(result.shipped.bytes)} (${result.shipped.bytes} bytes), ${
        result.shipped.identicalToOurs ? 'byte-identical to' : 'DIFFERENT from'
      } the "ours" build`
    : 'dist/rule/index.js: not built';
  return [
    heading('Cold start: bundle size and require() time in a fresh Node process'),
    `${runs} loads per variant, interleaved, after one discarded warm-up round; median [min–max].`,
    shipped,
    '',
    table(
      ['bundle', 'size', 'require() median [min–max]', 'load ÷ ours', 'RSS after load', 'built with'],
      rows,
    ),
    `(Node with nothing loaded: RSS ${mib(result.baselineRssBytes.median)})`,
    '',
    `ours loads ${times(ratios.versusDefault)} faster than the esbuild default (size ${times(ratios.sizeVersusDefault)} smaller)`,
    `ours loads ${times(ratios.versusSdkExternal)} faster than the SDK-external bundle loading the SDK from node_modules`,
    `the inlineConstantSchemaKeys plugin alone: ${times(ratios.pluginEffect)} faster load, ${times(ratios.sizePluginEffect)} smaller`,
  ].join('\n');
}
