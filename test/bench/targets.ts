/** The targets, checked against the figures of one run. */

import type { ChangeEventFigures } from './change-events';
import { type ColdStartResult, coldStartRatios } from './cold-start';
import { mib, table, times } from './format';
import {
  callGrowth,
  figuresFor,
  findingsImportFigures,
  type SweepResult,
  speedUpOverSequential,
} from './sweep-scale';

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export const MIN_LOAD_SPEED_UP = 3;
export const MIN_SWEEP_SPEED_UP = 8;
export const LAMBDA_MEMORY_BYTES = 128 * 1024 * 1024;
/** Marginal calls per notebook may differ this much between size steps and still count as linear. */
export const LINEAR_TOLERANCE = 0.05;

export function coldStartTargets(result: ColdStartResult): TargetCheck[] {
  const { versusDefault } = coldStartRatios(result);
  return [
    {
      target: `cold start: load >= ${MIN_LOAD_SPEED_UP}x faster than the esbuild default bundle`,
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
  const comparedAt = Math.max(...plan.sequentialSizes);
  const speedUp = speedUpOverSequential(result, comparedAt);
  const largest = Math.max(...plan.sizes);
  const unconstrained = figuresFor(result, { notebooks: largest }).peakRssBytes.max;
  const lambda = plan.lambdaMemory?.notebooks === largest ? plan.lambdaMemory : undefined;
  const likeLambda = lambda
    ? figuresFor(result, { notebooks: largest, lambdaMemoryMb: lambda.memoryMb }).peakRssBytes.max
    : undefined;
  const marginal = callGrowth(result).flatMap((row) =>
    row.marginalCallsPerNotebook === undefined ? [] : [row.marginalCallsPerNotebook],
  );
  const spreadOfMarginal = marginal.length > 0 ? Math.max(...marginal) / Math.min(...marginal) - 1 : 0;
  const findings = findingsImportFigures(result);
  const findingsTargets: TargetCheck[] = findings
    ? [
        {
          target: `sweep with findings imported: peak memory at ${findings.imported.sweepCase.notebooks} within a 128 MB Lambda`,
          measured: `peak RSS ${mib(findings.imported.peakRssBytes.max)} with Lambda's heap limits (${mib(findings.off.peakRssBytes.max)} with findings off); highest run`,
          met: findings.imported.peakRssBytes.max <= LAMBDA_MEMORY_BYTES,
        },
        {
          target: 'sweep with findings imported: ⌈N/100⌉ extra calls (as many as PutEvaluations)',
          measured: `${findings.extraCalls} extra calls, ${findings.batchImportFindings} BatchImportFindings, ${findings.putEvaluations} PutEvaluations`,
          met:
            findings.extraCalls === findings.batchImportFindings &&
            findings.batchImportFindings === findings.putEvaluations,
        },
      ]
    : [];
  return [
    {
      target: `sweep: >= ${MIN_SWEEP_SPEED_UP}x faster than sequential at ${comparedAt} notebooks`,
      measured: `${times(speedUp)} faster (median wall time)`,
      met: speedUp >= MIN_SWEEP_SPEED_UP,
    },
    {
      target: `sweep: peak memory at ${largest} notebooks within a 128 MB Lambda`,
      measured:
        likeLambda === undefined
          ? `peak RSS ${mib(unconstrained)} (highest run)`
          : `peak RSS ${mib(likeLambda)} with Lambda's ${lambda?.memoryMb} MB heap limits (${mib(unconstrained)} with Node's defaults); highest run`,
      met: (likeLambda ?? unconstrained) <= LAMBDA_MEMORY_BYTES,
    },
    {
      target: 'sweep: cost grows linearly (constant marginal calls per notebook)',
      measured: `marginal calls/notebook ${marginal.map((value) => value.toFixed(3)).join(', ')}`,
      met: spreadOfMarginal <= LINEAR_TOLERANCE,
    },
    ...findingsTargets,
  ];
}

export function reportTargets(checks: readonly TargetCheck[]): string {
  return table(
    ['target', 'measured', 'met'],
    checks.map((check) => [check.target, check.measured, check.met ? 'yes' : 'NO']),
  );
}
