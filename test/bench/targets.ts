/** The targets (issues 5, 11 and 13), checked against the figures of one run. */

import type { ChangeEventFigures } from './change-events';
import { type ColdStartResult, coldStartRatios } from './cold-start';
import { mib, milliseconds, table, times } from './format';
import { type RateLimitResult, rateLimitedFigures } from './rate-limit';
import {
  callGrowth,
  figuresFor,
  findingsImportFigures,
  type SweepResult,
  sequentialFloorMs,
  speedUpOverFloor,
} from './sweep-scale';

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export const MIN_LOAD_SPEED_UP = 10;
/** Times faster than the sequential floor (the sweep's calls × the latency) at the concurrency comparison's size. */
export const MIN_FLOOR_SPEED_UP = 12;
/** A quarter of a 128 MB Lambda's memory left free (Lambda's MB are MiB). */
export const MEMORY_TARGET_BYTES = 96 * 1024 * 1024;
/** Share of the rate a token bucket allows that the rate-limited sweep reaches. */
export const MIN_RATE_SHARE = 0.95;
/** Marginal calls per notebook may differ this much between size steps and still count as linear. */
export const LINEAR_TOLERANCE = 0.05;

export function coldStartTargets(result: ColdStartResult): TargetCheck[] {
  const { versusDefault } = coldStartRatios(result);
  return [
    {
      target: `cold start: load >= ${MIN_LOAD_SPEED_UP}x faster than esbuild's defaults`,
      measured: `${times(versusDefault)} faster (median require())`,
      met: versusDefault >= MIN_LOAD_SPEED_UP,
    },
  ];
}

export function changeEventTargets(figures: readonly ChangeEventFigures[]): TargetCheck[] {
  return figures.flatMap((figure): TargetCheck[] => {
    const other = figure.calls - figure.putEvaluations - figure.ec2Lookups;
    const measured = `${figure.putEvaluations} PutEvaluations + ${figure.ec2Lookups} EC2 lookups + ${other} other`;
    if (figure.target === 'cold')
      return [
        {
          target: 'change event, cold: 1 PutEvaluations plus at most the EC2 lookups',
          measured,
          met: figure.ok && figure.putEvaluations === 1 && other === 0,
        },
      ];
    if (figure.target === 'warm')
      return [
        {
          target: 'change event, warm: 0 EC2 lookups',
          measured,
          met: figure.ok && figure.putEvaluations === 1 && figure.ec2Lookups === 0 && other === 0,
        },
      ];
    return [];
  });
}

export function sweepTargets(result: SweepResult): TargetCheck[] {
  const { plan } = result;
  const compared = { notebooks: plan.concurrency.notebooks };
  const speedUp = speedUpOverFloor(result, compared);
  const baselineSpeedUp = plan.baseline
    ? ` (baseline build ${times(speedUpOverFloor(result, { ...compared, bundle: plan.baseline }))})`
    : '';
  const marginal = callGrowth(result).flatMap((row) =>
    row.marginalCallsPerNotebook === undefined ? [] : [row.marginalCallsPerNotebook],
  );
  const spreadOfMarginal = marginal.length > 0 ? Math.max(...marginal) / Math.min(...marginal) - 1 : 0;
  const lambda = plan.lambdaMemory;
  const findings = findingsImportFigures(result);
  const memoryTarget = (findingsOn: boolean): TargetCheck[] => {
    if (!lambda || (findingsOn && !findings)) return [];
    const sweepCase = {
      notebooks: lambda.notebooks,
      lambdaMemoryMb: lambda.memoryMb,
      importFindings: findingsOn,
    };
    const peak = figuresFor(result, sweepCase).peakRssBytes.max;
    const before = plan.baseline
      ? ` (baseline build ${mib(figuresFor(result, { ...sweepCase, bundle: plan.baseline }).peakRssBytes.max)})`
      : '';
    return [
      {
        target: `sweep of ${lambda.notebooks} notebooks, findings ${findingsOn ? 'imported' : 'off'}: peak RSS with Lambda's ${lambda.memoryMb} MB heap flags <= ${mib(MEMORY_TARGET_BYTES)}`,
        measured: `${mib(peak)}, highest of ${figuresFor(result, sweepCase).peakRssBytes.runs} runs${before}`,
        met: peak <= MEMORY_TARGET_BYTES,
      },
    ];
  };
  return [
    {
      target: `sweep of ${compared.notebooks} notebooks at ${plan.latencyMs} ms a call: >= ${MIN_FLOOR_SPEED_UP}x its sequential floor`,
      measured: `${times(speedUp)} (floor ${milliseconds(sequentialFloorMs(result, compared))} = calls × ${plan.latencyMs} ms; median wall ${milliseconds(figuresFor(result, compared).durationMs.median)})${baselineSpeedUp}`,
      met: speedUp >= MIN_FLOOR_SPEED_UP,
    },
    ...memoryTarget(true),
    ...memoryTarget(false),
    {
      target: 'sweep: cost grows linearly (constant marginal calls per notebook)',
      measured: `marginal calls/notebook ${marginal.map((value) => value.toFixed(3)).join(', ')}`,
      met: spreadOfMarginal <= LINEAR_TOLERANCE,
    },
    ...(findings
      ? [
          {
            target: 'sweep with findings imported: ⌈N/100⌉ extra calls (as many as PutEvaluations)',
            measured: `${findings.extraCalls} extra calls, ${findings.batchImportFindings} BatchImportFindings, ${findings.putEvaluations} PutEvaluations`,
            met:
              findings.extraCalls === findings.batchImportFindings &&
              findings.batchImportFindings === findings.putEvaluations,
          },
        ]
      : []),
  ];
}

export function rateLimitTargets(result: RateLimitResult): TargetCheck[] {
  const { plan } = result;
  const ours = rateLimitedFigures(result);
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  const baseline = plan.baseline
    ? `; baseline build ${percent(rateLimitedFigures(result, 'baseline').usedShare.median)}, ${rateLimitedFigures(result, 'baseline').throttled.median} throttled`
    : '';
  return [
    {
      target: `sweep of ${plan.notebooks} notebooks against ${plan.rateLimit.callsPerSecond} calls/s per service: >= ${percent(MIN_RATE_SHARE)} of the allowed rate`,
      measured: `${percent(ours.usedShare.median)} (median), ${ours.throttled.median} calls throttled${baseline}`,
      met: ours.usedShare.median >= MIN_RATE_SHARE,
    },
  ];
}

export function reportTargets(checks: readonly TargetCheck[]): string {
  return table(
    ['target', 'measured', 'met'],
    checks.map((check) => [check.target, check.measured, check.met ? 'yes' : 'NO']),
  );
}
