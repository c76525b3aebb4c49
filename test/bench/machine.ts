/** The machine a run was measured on, for BENCHMARKS.md. */
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

export function describeMachine(now: Date = new Date()): string {
  const [cpu] = cpus();
  return [
    `CPU: ${cpu?.model.trim() ?? 'unknown'} (${availableParallelism()} cores available)`,
    `Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Linux ${release()}`,
    `Node ${process.version}; ${now.toISOString()}`,
    `Load average at start: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  ].join('\n');
}
