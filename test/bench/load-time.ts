/**
 * The cold-start cost of a bundle: a fresh Node process times `require(bundle)` (what Lambda's init does
 * with the handler module) and reports it with the process's resident memory right after.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface LoadSample {
  readonly loadMs: number;
  /** Resident set size of the process once the bundle is loaded. */
  readonly rssBytes: number;
}

const CHILD = `
const bundle = process.env.BUNDLE;
const start = performance.now();
const loaded = bundle ? require(bundle) : { handler() {} };
const loadMs = performance.now() - start;
if (typeof loaded.handler !== 'function') throw new Error(bundle + ' exports no handler function');
process.stdout.write(JSON.stringify({ loadMs, rssBytes: process.memoryUsage().rss }));
`;

/**
 * Loads `bundle` in a new process (undefined = load nothing: Node's own baseline). The environment is
 * minimal so that no inherited NODE_OPTIONS or AWS_* setting changes what is loaded.
 */
export async function measureLoad(bundle: string | undefined): Promise<LoadSample> {
  // Asynchronous, like every child here: the benchmark's own event loop may be serving a fake endpoint.
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD], {
    env: {
      PATH: process.env.PATH ?? '',
      ...(bundle && { BUNDLE: bundle }),
      AWS_REGION: 'ap-northeast-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  return JSON.parse(stdout) as LoadSample;
}
