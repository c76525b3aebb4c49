/**
 * Cold start: the shipped bundle against alternatives built in the same run from the same handler with
 * rule/build.ts (only the named option differs), each loaded in fresh Node processes, interleaved.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { buildRule, inlineConstantSchemaKeys, RULE_BUNDLE } from '../../rule/build';
import { heading, kib, mib, spread, table, times } from './format';
import { interleave, samplesOf } from './interleave';
import { measureLoad } from './load-time';
import { ratio, type Summary, summarize } from './statistics';

export interface BundleVariant {
  readonly id: string;
  readonly description: string;
  /** Applied over RULE_BUILD_OPTIONS; {} = the shipped build. */
  readonly overrides: BuildOptions;
}

/** esbuild's defaults for a Node bundle (minified, as every variant): the SDK's CommonJS builds, one file. */
export const ESBUILD_DEFAULT: BundleVariant = {
  id: 'esbuild-default',
  description: "esbuild's defaults: the SDK's CommonJS builds (nothing tree-shakes), one file",
  overrides: { mainFields: undefined, plugins: [], alias: {} },
};
/** Then each step of rule/build.ts, added one by one. */
export const LOAD_STEPS: readonly BundleVariant[] = [
  ESBUILD_DEFAULT,
  {
    id: 'es-modules',
    description: "+ mainFields module,main: the SDK's ES modules, tree-shaken",
    overrides: { plugins: [], alias: {} },
  },
  {
    id: 'schema-keys-inlined',
    description:
      '+ inlineConstantSchemaKeys: unused EC2 and Security Hub schemas dropped (the build before issue 13)',
    overrides: { plugins: [inlineConstantSchemaKeys], alias: {} },
  },
  {
    id: 'rare-paths-apart',
    description: '+ STS and event-stream support bundled apart, loaded on first use',
    overrides: { alias: {} },
  },
  {
    id: 'ours',
    description: '+ the credential chain apart (environment first): rule/build.ts as shipped',
    overrides: {},
  },
];
export const OURS = LOAD_STEPS.at(-1) as BundleVariant;
export const SDK_EXTERNAL: BundleVariant = {
  id: 'sdk-external',
  description: '@aws-sdk/* external (the runtime’s copy; loaded from node_modules)',
  overrides: { external: ['@aws-sdk/*'] },
};
export const BUNDLE_VARIANTS = [...LOAD_STEPS, SDK_EXTERNAL] as const;

export interface ColdStartOptions {
  /** Where the bundles are written. It must lie inside the repository, so the SDK-external bundle finds
   * node_modules the way it would find the Lambda runtime's copy. */
  readonly directory: string;
  /** Measured loads per variant (after one discarded warm-up round that fills the file cache). */
  readonly runs: number;
  /** Another build of the rule (its index.js), loaded beside the variants (before/after a change). */
  readonly baseline?: string;
}

export interface VariantFigures {
  readonly variant: BundleVariant;
  readonly bundle: string;
  /** index.js, what the Lambda's start parses. */
  readonly bytes: number;
  /** The modules bundled apart next to it, loaded on first use. */
  readonly lazyBytes: number;
  readonly loadMs: Summary;
  readonly rssBytes: Summary;
}

export interface ColdStartResult {
  readonly variants: readonly VariantFigures[];
  /** The baseline build, when one was given. */
  readonly baseline?: Omit<VariantFigures, 'variant'>;
  /** Resident memory of a Node process that loaded nothing. */
  readonly baselineRssBytes: Summary;
  /** dist/rule/index.js (from `npm run build`), when present: its size and whether it is the "ours" build. */
  readonly shipped?: { readonly bytes: number; readonly identicalToOurs: boolean };
}

const NODE_ONLY = 'node only';
const BASELINE_BUILD = 'baseline build';
type Subject = BundleVariant | typeof NODE_ONLY | typeof BASELINE_BUILD;

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const bundles = new Map<Subject, string>();
  for (const variant of BUNDLE_VARIANTS) {
    const outfile = join(options.directory, variant.id, 'index.js');
    await buildRule(outfile, variant.overrides);
    bundles.set(variant, outfile);
  }
  if (options.baseline) bundles.set(BASELINE_BUILD, options.baseline);
  const subjects: Subject[] = [...bundles.keys(), NODE_ONLY];
  const load = (subject: Subject) => measureLoad(bundles.get(subject));
  await interleave(subjects, 1, load);
  const samples = await interleave(subjects, options.runs, load);
  const figuresOfSubject = (subject: Subject) => {
    const bundle = bundles.get(subject) as string;
    const runs = samplesOf(samples, subject);
    return {
      bundle,
      bytes: statSync(bundle).size,
      lazyBytes: lazyBytesBeside(bundle),
      loadMs: summarize(runs.map((sample) => sample.loadMs)),
      rssBytes: summarize(runs.map((sample) => sample.rssBytes)),
    };
  };
  const ours = bundles.get(OURS) as string;
  return {
    variants: BUNDLE_VARIANTS.map((variant) => ({ variant, ...figuresOfSubject(variant) })),
    ...(options.baseline && { baseline: figuresOfSubject(BASELINE_BUILD) }),
    baselineRssBytes: summarize(samplesOf(samples, NODE_ONLY).map((sample) => sample.rssBytes)),
    ...(existsSync(RULE_BUNDLE) && {
      shipped: {
        bytes: statSync(RULE_BUNDLE).size,
        identicalToOurs: readFileSync(RULE_BUNDLE).equals(readFileSync(ours)),
      },
    }),
  };
}

/** The size of the modules bundled apart next to a bundle's index.js. */
function lazyBytesBeside(bundle: string): number {
  const directory = dirname(bundle);
  return readdirSync(directory)
    .filter((file) => file.endsWith('.js') && file !== basename(bundle))
    .reduce((sum, file) => sum + statSync(join(directory, file)).size, 0);
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
    sizeVersusDefault: ratio(figuresOf(result, ESBUILD_DEFAULT).bytes, ours.bytes),
    ...(result.baseline && {
      versusBaseline: ratio(result.baseline.loadMs, ours.loadMs),
      baselineVersusDefault: ratio(figuresOf(result, ESBUILD_DEFAULT).loadMs, result.baseline.loadMs),
    }),
  };
}

export function reportColdStart(result: ColdStartResult): string {
  const ours = figuresOf(result, OURS);
  const defaultLoad = figuresOf(result, ESBUILD_DEFAULT).loadMs;
  const ratios = coldStartRatios(result);
  const runs = ours.loadMs.runs;
  const row = (id: string, figures: Omit<VariantFigures, 'variant'>, description: string) => [
    id,
    kib(figures.bytes),
    figures.lazyBytes > 0 ? kib(figures.lazyBytes) : '–',
    spread(figures.loadMs),
    times(ratio(defaultLoad, figures.loadMs)),
    mib(figures.rssBytes.median),
    description,
  ];
  const rows = [
    ...result.variants.map((figures) => row(figures.variant.id, figures, figures.variant.description)),
    ...(result.baseline
      ? [row('baseline', result.baseline, `the build given (${result.baseline.bundle})`)]
      : []),
  ];
  const shipped = result.shipped
    ? `dist/rule/index.js: ${kib(result.shipped.bytes)} (${result.shipped.bytes} bytes), ${
        result.shipped.identicalToOurs ? 'byte-identical to' : 'DIFFERENT from'
      } the "ours" build`
    : 'dist/rule/index.js: not built';
  return [
    heading('Cold start: bundle size and require() time in a fresh Node process'),
    `${runs} loads per variant, interleaved, after one discarded warm-up round; median [min–max]. The steps from`,
    "esbuild's defaults to ours add one build option each. Apart = modules bundled next to index.js, loaded on first use.",
    shipped,
    '',
    table(
      [
        'bundle',
        'index.js',
        'apart',
        'require() median [min–max]',
        'default ÷ this',
        'RSS after load',
        'built with',
      ],
      rows,
    ),
    `(Node with nothing loaded: RSS ${mib(result.baselineRssBytes.median)})`,
    '',
    `ours loads ${times(ratios.versusDefault)} faster than the esbuild default (index.js ${times(ratios.sizeVersusDefault)} smaller)`,
    `ours loads ${times(ratios.versusSdkExternal)} faster than the SDK-external bundle loading the SDK from node_modules`,
    ...(ratios.versusBaseline !== undefined && ratios.baselineVersusDefault !== undefined
      ? [
          `ours loads ${times(ratios.versusBaseline)} faster than the baseline build (which loads ${times(ratios.baselineVersusDefault)} faster than the default)`,
        ]
      : []),
  ].join('\n');
}
