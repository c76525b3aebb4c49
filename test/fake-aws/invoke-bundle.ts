/**
 * Runs the built Lambda bundle (dist/rule/index.js) in a fresh Node process, the way Lambda would, against
 * the fake endpoint: the child uses the SDK's default configuration, reaching the fake via AWS_ENDPOINT_URL.
 * Several events in one call run in the same process one after another (cold, then warm).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FakeAwsServer } from './server.js';

export const RULE_BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'rule', 'index.js');
export const FUNCTION_ARN =
  'arn:aws:lambda:ap-northeast-1:111122223333:function:sagemaker-notebook-vpc-guard';

export interface BundleResult {
  readonly ok: boolean;
  /** What the handler returned (the hook's answer; the rule returns nothing). */
  readonly value?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
  readonly durationMs: number;
}

export interface BundleRun {
  readonly results: readonly BundleResult[];
  /** Highest resident set size seen in the child (sampled every 5 ms and at the end). */
  readonly peakRssBytes: number;
}

export interface InvokeOptions {
  readonly bundle?: string;
  /** What context.getRemainingTimeInMillis() starts from (default 15 minutes, Lambda's maximum). */
  readonly remainingMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

const CHILD = `
const { handler } = require(process.env.BUNDLE);
const events = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
let peak = process.memoryUsage.rss();
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
(async () => {
  const results = [];
  for (const event of events) {
    const deadline = Date.now() + Number(process.env.REMAINING_MS);
    const context = { invokedFunctionArn: process.env.FUNCTION_ARN, getRemainingTimeInMillis: () => deadline - Date.now() };
    const start = performance.now();
    try {
      const value = await handler(event, context);
      results.push({ ok: true, value, durationMs: performance.now() - start });
    } catch (error) {
      results.push({ ok: false, error: { name: error.name, message: error.message }, durationMs: performance.now() - start });
    }
  }
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.stdout.write('\\n@@RESULT@@' + JSON.stringify({ results, peakRssBytes: peak }));
})();
`;

export async function invokeBundle(
  server: FakeAwsServer,
  events: readonly unknown[],
  options: InvokeOptions = {},
): Promise<BundleRun> {
  const bundle = options.bundle ?? RULE_BUNDLE;
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
  // Asynchronous on purpose: the fake answers from this process's event loop.
  const child = promisify(execFile)(process.execPath, ['-e', CHILD], {
    env: {
      ...server.childEnv(),
      BUNDLE: bundle,
      FUNCTION_ARN,
      REMAINING_MS: String(options.remainingMs ?? 900_000),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // The Lambda's structured logs are not what these runs look at.
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      ...options.env,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  child.child.stdin?.end(JSON.stringify(events));
  const { stdout } = await child;
  const marker = stdout.lastIndexOf('@@RESULT@@');
  if (marker < 0) throw new Error(`the bundle printed no result:\n${stdout.slice(-2000)}`);
  return JSON.parse(stdout.slice(marker + '@@RESULT@@'.length)) as BundleRun;
}
