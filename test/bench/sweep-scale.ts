/**
 * Periodic sweep scale: synthetic accounts of growing size against the fake endpoint with a fixed latency
 * per call, at the bundle's default concurrency, sequentially (SWEEP_CONCURRENCY=1, one notebook at a time
 * as rdklib-style rules do) and at other concurrency levels. All cases of one size are interleaved.
 */
import { DEFAULT_SWEEP_CONCURRENCY } from '../../rule/config/sweep';
import { createSyntheticAccount } from '../fake-aws/index';
import { EC2_LOOKUPS } from './change-events';
import { milliseconds } from './format';
import { interleave, samplesOf } from './interleave';
import { ratio, type Summary, summarize } from './statistics';
import { concurrencyOf, runSweep, type SweepCase, type SweepSample } from './sweep-run';

export interface SweepPlan {
  /** Added to every call by the fake endpoint. */
  readonly latencyMs: number;
  /** Runs of every case (interleaved with the other cases of the same size). */
  readonly rounds: number;
  /** Sizes measured at the default concurrency. */
  readonly sizes: readonly number[];
  /** Sizes also measured sequentially. */
  readonly sequentialSizes: readonly number[];
  /** Concurrency levels compared at one size. */
  readonly concurrency: { readonly notebooks: number; readonly levels: readonly number[] };
  /** One size also run with the heap limits Lambda sets for this memory size. */
  readonly lambdaMemory?: { readonly notebooks: number; readonly memoryMb: number };
  /** That size and memory also run with SECURITY_HUB_FINDINGS=import (needs lambdaMemory). */
  readonly importFindings?: boolean;
  /**
   * Another build of the rule, measured beside dist/rule in the same rounds (before/after a change): at the
   * concurrency comparison's size and default concurrency, and in the Lambda-memory cases.
   */
  readonly baseline?: string;
}

export const FULL_SWEEP_PLAN: SweepPlan = {
  latencyMs: 20,
  rounds: 3,
  sizes: [100, 1_000, 10_000],
  sequentialSizes: [100, 1_000],
  concurrency: { notebooks: 1_000, levels: [1, 4, 16, 32, 64] },
  lambdaMemory: { notebooks: 10_000, memoryMb: 128 },
  importFindings: true,
};

export interface SweepFigures {
  readonly sweepCase: SweepCase;
  readonly samples: readonly SweepSample[];
  readonly durationMs: Summary;
  readonly calls: Summary;
  readonly peakRssBytes: Summary;
  readonly peakHeapUsedBytes: Summary;
  readonly cpuMs: Summary;
}

export interface SweepResult {
  readonly plan: SweepPlan;
  readonly figures: readonly SweepFigures[];
}

/** The cases of each size, without duplicates (level 16 is the default case; level 1 is sequential). */
export function casesBySize(plan: SweepPlan): Map<number, SweepCase[]> {
  const bySize = new Map<number, SweepCase[]>();
  const add = (sweepCase: SweepCase) => {
    const cases = bySize.get(sweepCase.notebooks) ?? [];
    if (!cases.some((existing) => sameCase(existing, sweepCase))) cases.push(sweepCase);
    bySize.set(sweepCase.notebooks, cases);
  };
  for (const notebooks of plan.sizes) add({ notebooks });
  for (const notebooks of plan.sequentialSizes) add({ notebooks, concurrency: 1 });
  for (const level of plan.concurrency.levels) add(withConcurrency(plan.concurrency.notebooks, level));
  if (plan.lambdaMemory)
    add({ notebooks: plan.lambdaMemory.notebooks, lambdaMemoryMb: plan.lambdaMemory.memoryMb });
  const imported = findingsCase(plan);
  if (imported) add(imported);
  if (plan.baseline) {
    const bundle = plan.baseline;
    add({ notebooks: plan.concurrency.notebooks, bundle });
    if (plan.lambdaMemory)
      add({ notebooks: plan.lambdaMemory.notebooks, lambdaMemoryMb: plan.lambdaMemory.memoryMb, bundle });
    if (imported) add({ ...imported, bundle });
  }
  return bySize;
}

/** The Lambda-memory case with findings imported, when the plan has one. */
export function findingsCase(plan: SweepPlan): SweepCase | undefined {
  const lambda = plan.lambdaMemory;
  return plan.importFindings && lambda
    ? { notebooks: lambda.notebooks, lambdaMemoryMb: lambda.memoryMb, importFindings: true }
    : undefined;
}

/** The case for one concurrency level: the default level is the case with SWEEP_CONCURRENCY unset. */
export function withConcurrency(notebooks: number, level: number): SweepCase {
  return level === DEFAULT_SWEEP_CONCURRENCY ? { notebooks } : { notebooks, concurrency: level };
}

function sameCase(a: SweepCase, b: SweepCase): boolean {
  return (
    a.notebooks === b.notebooks &&
    concurrencyOf(a) === concurrencyOf(b) &&
    a.lambdaMemoryMb === b.lambdaMemoryMb &&
    Boolean(a.importFindings) === Boolean(b.importFindings) &&
    a.bundle === b.bundle
  );
}

export async function measureSweepScale(
  plan: SweepPlan,
  onProgress: (message: string) => void = () => {},
): Promise<SweepResult> {
  const figures: SweepFigures[] = [];
  for (const [notebooks, cases] of casesBySize(plan)) {
    const inventory = createSyntheticAccount({ notebooks });
    const samples = await interleave(cases, plan.rounds, async (sweepCase, round) => {
      const sample = await runSweep(inventory, sweepCase, plan.latencyMs);
      onProgress(`${describeCase(sweepCase)}, round ${round + 1}: ${milliseconds(sample.durationMs)}`);
      return sample;
    });
    for (const sweepCase of cases) {
      const runs = samplesOf(samples, sweepCase);
      figures.push({
        sweepCase,
        samples: runs,
        durationMs: summarize(runs.map((run) => run.durationMs)),
        calls: summarize(runs.map((run) => run.calls)),
        peakRssBytes: summarize(runs.map((run) => run.peakRssBytes)),
        peakHeapUsedBytes: summarize(runs.map((run) => run.peakHeapUsedBytes)),
        cpuMs: summarize(runs.map((run) => run.cpuMs)),
      });
    }
  }
  return { plan, figures };
}

export function describeCase(sweepCase: SweepCase): string {
  const concurrency = concurrencyOf(sweepCase);
  return [
    `${sweepCase.notebooks} notebooks`,
    concurrency === 1 ? 'sequential' : `concurrency ${concurrency}`,
    ...(sweepCase.lambdaMemoryMb ? [`Lambda ${sweepCase.lambdaMemoryMb} MB heap limits`] : []),
    ...(sweepCase.importFindings ? ['findings imported'] : []),
    ...(sweepCase.bundle ? ['baseline build'] : []),
  ].join(', ');
}

export function figuresFor(result: SweepResult, wanted: SweepCase): SweepFigures {
  const found = result.figures.find((figures) => sameCase(figures.sweepCase, wanted));
  if (!found) throw new Error(`not measured: ${describeCase(wanted)}`);
  return found;
}

/** The default concurrency's speed-up over the sequential sweep at one size (ratio of median wall times). */
export function speedUpOverSequential(result: SweepResult, notebooks: number): number {
  return ratio(
    figuresFor(result, { notebooks, concurrency: 1 }).durationMs,
    figuresFor(result, { notebooks }).durationMs,
  );
}

/**
 * The sequential floor: the least time a sweep making the same calls one at a time needs, each taking the
 * fake's latency (the measured sequential sweep takes longer: each call also costs its own CPU time).
 */
export function sequentialFloorMs(result: SweepResult, sweepCase: SweepCase): number {
  return figuresFor(result, sweepCase).calls.median * result.plan.latencyMs;
}

/** How many times faster than its sequential floor a case ran (floor ÷ median wall time). */
export function speedUpOverFloor(result: SweepResult, sweepCase: SweepCase): number {
  return ratio(sequentialFloorMs(result, sweepCase), figuresFor(result, sweepCase).durationMs);
}

/** Lambda gives a function one vCPU-second per second at 1,769 MB, proportionally less below. */
export const LAMBDA_MB_PER_VCPU = 1769;

/** The least wall time a function of this memory size needs for this much CPU time. */
export function cpuBoundFloorMs(cpuMs: number, memoryMb: number): number {
  return (cpuMs * LAMBDA_MB_PER_VCPU) / Math.min(memoryMb, LAMBDA_MB_PER_VCPU);
}

export interface CallGrowth {
  readonly notebooks: number;
  readonly calls: number;
  readonly callsPerNotebook: number;
  /** Extra calls per extra notebook since the previous size (undefined for the first). */
  readonly marginalCallsPerNotebook?: number;
}

/** Calls at the default concurrency per size: linear growth shows as a constant marginal cost. */
export function callGrowth(result: SweepResult): CallGrowth[] {
  const sizes = [...result.plan.sizes].sort((a, b) => a - b);
  return sizes.map((notebooks, index) => {
    const calls = figuresFor(result, { notebooks }).calls.median;
    const previous = sizes[index - 1];
    const previousCalls =
      previous === undefined ? undefined : figuresFor(result, { notebooks: previous }).calls.median;
    return {
      notebooks,
      calls,
      callsPerNotebook: calls / notebooks,
      ...(previous !== undefined &&
        previousCalls !== undefined && {
          marginalCallsPerNotebook: (calls - previousCalls) / (notebooks - previous),
        }),
    };
  });
}

export interface FindingsImportFigures {
  readonly imported: SweepFigures;
  /** The same case with findings off. */
  readonly off: SweepFigures;
  /** Medians per run. */
  readonly batchImportFindings: number;
  readonly putEvaluations: number;
  /**
   * Calls with findings imported minus calls without, operation by operation (medians, so that a call the SDK
   * had to repeat in one run does not count), EC2 lookups left out: how many ids one batched lookup carries
   * depends on what else is in flight at that moment, so their count varies by a call or two per run.
   */
  readonly extraCalls: number;
}

/** The cost of SECURITY_HUB_FINDINGS=import at the Lambda-memory size, when the plan measured it. */
export function findingsImportFigures(result: SweepResult): FindingsImportFigures | undefined {
  const imported = findingsCase(result.plan);
  if (!imported) return undefined;
  const withImport = figuresFor(result, imported);
  const off = figuresFor(result, { ...imported, importFindings: false });
  const median = (figures: SweepFigures, operation: string) =>
    summarize(figures.samples.map((sample) => sample.callsByOperation[operation] ?? 0)).median;
  const operations = new Set(
    [...withImport.samples, ...off.samples].flatMap((sample) => Object.keys(sample.callsByOperation)),
  );
  const compared = [...operations].filter(
    (operation) => !(EC2_LOOKUPS as readonly string[]).includes(operation),
  );
  return {
    imported: withImport,
    off,
    batchImportFindings: median(withImport, 'BatchImportFindings'),
    putEvaluations: median(withImport, 'PutEvaluations'),
    extraCalls: compared.reduce(
      (sum, operation) => sum + median(withImport, operation) - median(off, operation),
      0,
    ),
  };
}
