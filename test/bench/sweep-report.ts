/** The sweep-scale figures as text: scale and linearity, against sequential, concurrency levels, memory. */
import { DEFAULT_SWEEP_CONCURRENCY } from '../../rule/config/sweep';
import { heading, mib, milliseconds, spread, table, times } from './format';
import { ratio } from './statistics';
import {
  callGrowth,
  casesBySize,
  cpuBoundFloorMs,
  describeCase,
  figuresFor,
  findingsImportFigures,
  LAMBDA_MB_PER_VCPU,
  type SweepFigures,
  type SweepResult,
  sequentialFloorMs,
  speedUpOverFloor,
  speedUpOverSequential,
  withConcurrency,
} from './sweep-scale';

export function reportSweepScale(result: SweepResult): string {
  const { plan } = result;
  const growth = callGrowth(result);
  const defaultConcurrency = DEFAULT_SWEEP_CONCURRENCY;
  const memory = (figures: SweepFigures) =>
    `${mib(figures.peakRssBytes.median)} [max ${mib(figures.peakRssBytes.max)}]`;
  const heap = (figures: SweepFigures) => mib(figures.peakHeapUsedBytes.median);

  const scaleRows = growth.map((row) => {
    const figures = figuresFor(result, { notebooks: row.notebooks });
    return [
      String(row.notebooks),
      spread(figures.durationMs),
      String(row.calls),
      row.callsPerNotebook.toFixed(3),
      row.marginalCallsPerNotebook === undefined ? '–' : row.marginalCallsPerNotebook.toFixed(3),
      memory(figures),
      heap(figures),
      milliseconds(figures.cpuMs.median),
    ];
  });
  const sequentialRows = plan.sequentialSizes.map((notebooks) => {
    const sequential = figuresFor(result, { notebooks, concurrency: 1 });
    const concurrent = figuresFor(result, { notebooks });
    return [
      String(notebooks),
      milliseconds(sequentialFloorMs(result, { notebooks })),
      spread(sequential.durationMs),
      spread(concurrent.durationMs),
      times(speedUpOverFloor(result, { notebooks })),
      times(speedUpOverSequential(result, notebooks)),
      String(sequential.calls.median),
      String(concurrent.calls.median),
      milliseconds(sequential.cpuMs.median),
      milliseconds(concurrent.cpuMs.median),
    ];
  });
  const { notebooks: levelSize, levels } = plan.concurrency;
  const slowest = figuresFor(result, withConcurrency(levelSize, Math.min(...levels)));
  const levelRows = levels.map((level) => {
    const figures = figuresFor(result, withConcurrency(levelSize, level));
    return [
      `${level}${level === defaultConcurrency ? ' (default)' : ''}`,
      spread(figures.durationMs),
      times(ratio(slowest.durationMs, figures.durationMs)),
      String(figures.calls.median),
      memory(figures),
      milliseconds(figures.cpuMs.median),
    ];
  });
  const lambda = plan.lambdaMemory;
  const lambdaRows = lambda
    ? [{ notebooks: lambda.notebooks }, { notebooks: lambda.notebooks, lambdaMemoryMb: lambda.memoryMb }].map(
        (sweepCase) => {
          const figures = figuresFor(result, sweepCase);
          return [
            sweepCase.lambdaMemoryMb ? `Lambda ${sweepCase.lambdaMemoryMb} MB heap flags` : 'Node defaults',
            memory(figures),
            heap(figures),
            spread(figures.durationMs),
            milliseconds(figures.cpuMs.median),
            milliseconds(cpuBoundFloorMs(figures.cpuMs.median, lambda.memoryMb)),
          ];
        },
      )
    : [];

  const findings = findingsImportFigures(result);
  const findingsRows = findings
    ? (
        [
          ['off', findings.off, 0],
          ['import', findings.imported, findings.batchImportFindings],
        ] as const
      ).map(([setting, figures, imports]) => [
        setting,
        memory(figures),
        heap(figures),
        spread(figures.durationMs),
        String(figures.calls.median),
        String(imports),
      ])
    : [];

  const baselineRows = plan.baseline
    ? [...casesBySize(plan).values()].flat().flatMap((sweepCase) => {
        if (!sweepCase.bundle) return [];
        const before = figuresFor(result, sweepCase);
        const after = figuresFor(result, { ...sweepCase, bundle: undefined });
        return [
          [
            describeCase({ ...sweepCase, bundle: undefined }),
            spread(before.durationMs),
            spread(after.durationMs),
            String(before.calls.median),
            String(after.calls.median),
            memory(before),
            memory(after),
          ],
        ];
      })
    : [];

  return [
    heading(`Periodic sweep scale: synthetic accounts, ${plan.latencyMs} ms added to every call`),
    `${plan.rounds} runs per case, cases of one size interleaved; wall time = the handler's duration in the child`,
    '(init excluded, see cold start); median [min–max]. Logs at INFO, as deployed. Peak RSS of the child (sampled',
    'every 5 ms); heap = peak V8 heapUsed (live objects and garbage not yet collected).',
    '',
    `At the default concurrency (${defaultConcurrency}):`,
    table(
      [
        'notebooks',
        'wall time',
        'calls',
        'calls/notebook',
        'marginal calls/notebook',
        'peak RSS',
        'peak heap',
        'child CPU',
      ],
      scaleRows,
    ),
    '',
    `Against a sequential sweep (SWEEP_CONCURRENCY=1), same run (not at ${Math.max(...plan.sizes)}: minutes). The`,
    `sequential floor is the least time the same calls take one at a time: calls × ${plan.latencyMs} ms.`,
    table(
      [
        'notebooks',
        'sequential floor',
        'sequential',
        `concurrency ${defaultConcurrency}`,
        'speed-up vs floor',
        'vs sequential',
        'calls seq.',
        'calls conc.',
        'child CPU seq.',
        'child CPU conc.',
      ],
      sequentialRows,
    ),
    '',
    `Effect of SWEEP_CONCURRENCY at ${levelSize} notebooks:`,
    table(
      ['concurrency', 'wall time', `speed-up vs ${Math.min(...levels)}`, 'calls', 'peak RSS', 'child CPU'],
      levelRows,
    ),
    ...(lambda
      ? [
          '',
          `Memory at ${lambda.notebooks} notebooks: Node's default heap sizing vs the flags Lambda's bootstrap sets for ${lambda.memoryMb} MB:`,
          table(
            [
              'child runs with',
              'peak RSS',
              'peak heap',
              'wall time',
              'child CPU',
              `CPU-bound floor at ${lambda.memoryMb} MB`,
            ],
            lambdaRows,
          ),
          `(Lambda gives ${lambda.memoryMb} MB ${(lambda.memoryMb / LAMBDA_MB_PER_VCPU).toFixed(3)} of a vCPU: the child's CPU time ÷ that is the least wall time there.)`,
        ]
      : []),
    ...(lambda && findings
      ? [
          '',
          `Security Hub findings (SECURITY_HUB_FINDINGS) at ${lambda.notebooks} notebooks with the ${lambda.memoryMb} MB heap flags:`,
          table(
            ['findings', 'peak RSS', 'peak heap', 'wall time', 'calls', 'BatchImportFindings'],
            findingsRows,
          ),
          `(${findings.extraCalls} extra calls with import on, EC2 lookups left out; ${findings.putEvaluations} PutEvaluations calls for the same results.)`,
        ]
      : []),
    ...(plan.baseline
      ? [
          '',
          `Before and after: the baseline build (${plan.baseline}) and dist/rule in the same rounds:`,
          table(
            ['case', 'wall time before', 'after', 'calls before', 'after', 'peak RSS before', 'after'],
            baselineRows,
          ),
        ]
      : []),
  ].join('\n');
}
