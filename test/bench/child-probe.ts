/**
 * Peak V8 heap use and CPU time of a child process we do not control the code of (invokeBundle's child): a
 * tiny module preloaded with NODE_OPTIONS=--require samples the used heap every 5 ms (V8's heap statistics, which
 * cost less than process.memoryUsage()) and, on exit, writes the peak and the process's CPU time (user + system,
 * init included) to a file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SAMPLER = `
const { getHeapStatistics } = require('node:v8');
let peak = 0;
const sample = () => { peak = Math.max(peak, getHeapStatistics().used_heap_size); };
setInterval(sample, 5).unref();
process.on('exit', () => {
  sample();
  const { user, system } = process.cpuUsage();
  require('node:fs').writeFileSync(process.env.CHILD_PROBE_FILE, JSON.stringify({ peakHeapUsedBytes: peak, cpuMs: (user + system) / 1000 }));
});
`;

export interface ChildFigures {
  readonly peakHeapUsedBytes: number;
  readonly cpuMs: number;
}

export interface ChildProbe {
  /** Environment for the child: NODE_OPTIONS (with any extra Node flags) and where to write the figures. */
  readonly env: NodeJS.ProcessEnv;
  /** What the child measured, once it has exited. */
  read(): ChildFigures;
  dispose(): void;
}

/** `nodeFlags` are added to NODE_OPTIONS, e.g. heap limits. */
export function createChildProbe(nodeFlags: readonly string[] = []): ChildProbe {
  const directory = mkdtempSync(join(tmpdir(), 'bench-probe-'));
  const sampler = join(directory, 'sampler.cjs');
  const output = join(directory, 'figures.json');
  writeFileSync(sampler, SAMPLER);
  return {
    env: {
      NODE_OPTIONS: [`--require ${JSON.stringify(sampler)}`, ...nodeFlags].join(' '),
      CHILD_PROBE_FILE: output,
    },
    read: () => JSON.parse(readFileSync(output, 'utf8')) as ChildFigures,
    dispose: () => rmSync(directory, { recursive: true, force: true }),
  };
}
