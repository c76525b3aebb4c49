/**
 * One periodic sweep: the built bundle in a fresh child process against the fake endpoint with a fixed
 * latency per call (and, when asked, a token bucket per service), logging as deployed, measured for wall time
 * (the handler's own duration), calls accepted and throttled, and peak memory.
 */
import type { Inventory } from '../../offline/index';
import { DEFAULT_SWEEP_CONCURRENCY } from '../../rule/config/sweep';
import { type RateLimit, startFakeAws } from '../fake-aws/index';
import { invokeBundle } from '../fake-aws/invoke-bundle';
import { scheduledEvent } from '../fixtures/events';
import { createChildProbe } from './child-probe';

export interface SweepCase {
  readonly notebooks: number;
  /** SWEEP_CONCURRENCY; undefined = unset, the bundle's default. */
  readonly concurrency?: number;
  /** Run the child with the V8 heap limits Lambda's Node bootstrap derives from this memory size (MB). */
  readonly lambdaMemoryMb?: number;
  /** SECURITY_HUB_FINDINGS=import: every result also imported into Security Hub. */
  readonly importFindings?: boolean;
  /** Each service of the fake accepts calls at this rate (a token bucket per service). */
  readonly rateLimit?: RateLimit;
  /** Another build of the rule (e.g. the code before a change, for before/after figures); default dist/rule. */
  readonly bundle?: string;
}

export interface SweepSample {
  readonly durationMs: number;
  readonly calls: number;
  readonly callsByOperation: Readonly<Record<string, number>>;
  /** Calls each service answered (every call but those its rate limit refused). */
  readonly acceptedByService: Readonly<Record<string, number>>;
  /** Calls each service's rate limit refused (throttled); none without a rate limit. */
  readonly throttledByService: Readonly<Record<string, number>>;
  readonly peakRssBytes: number;
  readonly peakHeapUsedBytes: number;
  /** CPU time of the child process (user + system, init included). */
  readonly cpuMs: number;
}

export const concurrencyOf = (sweepCase: SweepCase): number =>
  sweepCase.concurrency ?? DEFAULT_SWEEP_CONCURRENCY;

/**
 * V8 heap limits as Lambda's Node bootstrap derives them from AWS_LAMBDA_FUNCTION_MEMORY_SIZE: a new space of
 * a tenth of the memory (its semi-spaces half of that) and the rest old space — 6 MB and 116 MB at 128 MB.
 * The new-space tenth is in the nodejs20.x/24.x bootstrap; the split after it is lambci's replica of the
 * runtime and unconfirmed for nodejs22.x. Without such limits V8 on a large machine collects lazily, and
 * RSS says little about whether the work fits in the function's memory.
 */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

export async function runSweep(
  inventory: Inventory,
  sweepCase: SweepCase,
  latencyMs: number,
): Promise<SweepSample> {
  const server = await startFakeAws({
    inventory,
    latencyMs,
    ...(sweepCase.rateLimit && { faults: { rateLimit: sweepCase.rateLimit } }),
  });
  const probe = createChildProbe(
    sweepCase.lambdaMemoryMb === undefined ? [] : lambdaHeapFlags(sweepCase.lambdaMemoryMb),
  );
  try {
    const run = await invokeBundle(
      server,
      [scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} })],
      {
        ...(sweepCase.bundle && { bundle: sweepCase.bundle }),
        env: {
          // As deployed (Powertools' default level): a log line per evaluation costs memory (~10 MiB at 10,000).
          POWERTOOLS_LOG_LEVEL: 'INFO',
          ...probe.env,
          ...(sweepCase.concurrency !== undefined && { SWEEP_CONCURRENCY: String(sweepCase.concurrency) }),
          ...(sweepCase.importFindings && { SECURITY_HUB_FINDINGS: 'import' }),
        },
      },
    );
    const [result] = run.results;
    if (!result?.ok) {
      throw new Error(
        `sweep of ${sweepCase.notebooks} notebooks failed: ${result?.error?.name}: ${result?.error?.message}`,
      );
    }
    const throttled = new Set(
      server.injectedFaults.filter((fault) => fault.rateLimited).map((fault) => fault.sequence),
    );
    const acceptedByService: Record<string, number> = {};
    const throttledByService: Record<string, number> = {};
    for (const { service, sequence } of server.requests.entries) {
      const counts = throttled.has(sequence) ? throttledByService : acceptedByService;
      counts[service] = (counts[service] ?? 0) + 1;
    }
    return {
      durationMs: result.durationMs,
      calls: server.requests.count(),
      callsByOperation: server.requests.countsByOperation(),
      acceptedByService,
      throttledByService,
      peakRssBytes: run.peakRssBytes,
      ...probe.read(),
    };
  } finally {
    probe.dispose();
    await server.close();
  }
}
