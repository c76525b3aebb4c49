/**
 * Peak V8 heap use of a child process we do not control the code of (invokeBundle's child): a tiny module
 * preloaded with NODE_OPTIONS=--require samples `heapUsed` every 5 ms and writes the peak to a file on exit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SAMPLER = `
let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage().heapUsed); };
setInterval(sample, 5).unref();
process.on('exit', () => { sample(); require('node:fs').writeFileSync(process.env.HEAP_PROBE_FILE, String(peak)); });
`;

export interface HeapProbe {
  /** Environment for the child: NODE_OPTIONS (with any extra Node flags) and where to write the peak. */
  readonly env: NodeJS.ProcessEnv;
  /** The peak heap used by the child, once it has exited. */
  peakHeapUsedBytes(): number;
  dispose(): void;
}

/** `nodeFlags` are added to NODE_OPTIONS, e.g. heap limits. */
export function createHeapProbe(nodeFlags: readonly string[] = []): HeapProbe {
  const directory = mkdtempSync(join(tmpdir(), 'bench-heap-'));
  const sampler = join(directory, 'sampler.cjs');
  const output = join(directory, 'peak');
  writeFileSync(sampler, SAMPLER);
  return {
    env: {
      NODE_OPTIONS: [`--require ${JSON.stringify(sampler)}`, ...nodeFlags].join(' '),
      HEAP_PROBE_FILE: output,
    },
    peakHeapUsedBytes: () => Number(readFileSync(output, 'utf8')),
    dispose: () => rmSync(directory, { recursive: true, force: true }),
  };
}
