/**
 * A periodic sweep against the rate AWS allows: each service of the fake is a token bucket (a refill rate and a
 * burst), with a fixed latency added to every call. How well the sweep uses that rate: the calls its busiest
 * service accepted beyond the burst, divided by the rate, is the least time the bucket allows for them; that time
 * over the sweep's wall time is the share of the allowed rate it reached (100% = as fast as the bucket allows).
 * Throttled calls are what finding the rate cost: each one was retried by the SDK.
 */
import { createSyntheticAccount, type RateLimit } from '../fake-aws/index';
import { heading, milliseconds, spread, table } from './format';
import { interleave, samplesOf } from './interleave';
import { ratio, type Summary, summarize } from './statistics';
import { runSweep, type SweepSample } from './sweep-run';

export interface RateLimitPlan {
  readonly notebooks: number;
  readonly rateLimit: Required<Pick<RateLimit, 'callsPerSecond' | 'burst'>>;
  readonly latencyMs: number;
  readonly rounds: number;
  /** Another build of the rule, measured beside dist/rule in the same rounds. */
  readonly baseline?: string;
}

export const FULL_RATE_LIMIT_PLAN: RateLimitPlan = {
  notebooks: 400,
  rateLimit: { callsPerSecond: 25, burst: 25 },
  latencyMs: 20,
  rounds: 3,
};

export type Build = 'dist/rule' | 'baseline';

export interface RateLimitFigures {
  readonly build: Build;
  readonly samples: readonly SweepSample[];
  readonly durationMs: Summary;
  /** Share of the allowed rate the busiest service was used at (0–1). */
  readonly usedShare: Summary;
  /** Calls the rate limit refused, all services. */
  readonly throttled: Summary;
  /** The service that accepted the most calls (the one the rate limits). */
  readonly busiest: string;
}

export interface RateLimitResult {
  readonly plan: RateLimitPlan;
  readonly figures: readonly RateLimitFigures[];
}

/** The busiest service of one run, and the share of its allowed rate the run reached. */
export function usedShareOf(
  sample: SweepSample,
  rateLimit: RateLimitPlan['rateLimit'],
): { service: string; share: number } {
  const [service, accepted] = Object.entries(sample.acceptedByService).sort(([, a], [, b]) => b - a)[0] ?? [
    'none',
    0,
  ];
  const allowedMs = ((accepted - rateLimit.burst) / rateLimit.callsPerSecond) * 1000;
  return { service, share: allowedMs / sample.durationMs };
}

const total = (counts: Readonly<Record<string, number>>) =>
  Object.values(counts).reduce((sum, count) => sum + count, 0);

export async function measureRateLimited(
  plan: RateLimitPlan,
  onProgress: (message: string) => void = () => {},
): Promise<RateLimitResult> {
  const inventory = createSyntheticAccount({ notebooks: plan.notebooks });
  const builds: Build[] = plan.baseline ? ['dist/rule', 'baseline'] : ['dist/rule'];
  const samples = await interleave(builds, plan.rounds, async (build, round) => {
    const sample = await runSweep(
      inventory,
      {
        notebooks: plan.notebooks,
        rateLimit: plan.rateLimit,
        ...(build === 'baseline' && plan.baseline && { bundle: plan.baseline }),
      },
      plan.latencyMs,
    );
    const { share } = usedShareOf(sample, plan.rateLimit);
    onProgress(
      `${plan.notebooks} notebooks at ${plan.rateLimit.callsPerSecond} calls/s, ${build}, round ${round + 1}: ` +
        `${milliseconds(sample.durationMs)}, ${(share * 100).toFixed(1)}% of the allowed rate`,
    );
    return sample;
  });
  return {
    plan,
    figures: builds.map((build) => {
      const runs = samplesOf(samples, build);
      const [first] = runs;
      return {
        build,
        samples: runs,
        durationMs: summarize(runs.map((run) => run.durationMs)),
        usedShare: summarize(runs.map((run) => usedShareOf(run, plan.rateLimit).share)),
        throttled: summarize(runs.map((run) => total(run.throttledByService))),
        busiest: first ? usedShareOf(first, plan.rateLimit).service : 'none',
      };
    }),
  };
}

export function rateLimitedFigures(result: RateLimitResult, build: Build = 'dist/rule'): RateLimitFigures {
  const found = result.figures.find((figures) => figures.build === build);
  if (!found) throw new Error(`not measured: ${build}`);
  return found;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export function reportRateLimited(result: RateLimitResult): string {
  const { plan } = result;
  const { callsPerSecond, burst } = plan.rateLimit;
  const rows = result.figures.map((figures) => {
    const [sample] = figures.samples;
    return [
      figures.build,
      spread(figures.durationMs),
      `${percent(figures.usedShare.median)} [${percent(figures.usedShare.min)}–${percent(figures.usedShare.max)}]`,
      `${figures.busiest} ${sample?.acceptedByService[figures.busiest] ?? 0}`,
      spread(figures.throttled, (value) => value.toFixed(0)),
      Object.entries(sample?.throttledByService ?? {})
        .map(([service, count]) => `${service} ${count}`)
        .join(', ') || 'none',
    ];
  });
  const baseline = plan.baseline ? rateLimitedFigures(result, 'baseline') : undefined;
  const ours = rateLimitedFigures(result);
  return [
    heading(
      `Rate-limited sweep: ${plan.notebooks} notebooks, each service a token bucket of ${callsPerSecond} calls/s (burst ${burst}), ${plan.latencyMs} ms added to every call`,
    ),
    `${plan.rounds} runs per build, interleaved; median [min–max]. Share of the allowed rate = the busiest service's`,
    `accepted calls beyond the burst ÷ ${callsPerSecond}/s, over the wall time. Throttled = calls the buckets refused.`,
    '',
    table(
      [
        'build',
        'wall time',
        'share of the allowed rate',
        'busiest service, accepted (first run)',
        'throttled',
        'throttled by service (first run)',
      ],
      rows,
    ),
    ...(baseline
      ? [
          '',
          `dist/rule ran in ${(ratio(ours.durationMs, baseline.durationMs) * 100).toFixed(0)}% of the baseline's wall time.`,
        ]
      : []),
  ].join('\n');
}
