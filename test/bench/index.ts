/**
 * `npm run bench [-- section...] [--baseline <dir>/index.js]`: prints every figure with its comparisons as
 * ratios, then the targets, each met or not. Sections: cold-start, change-events, runbook, sweep, rate-limit,
 * hook (default: all, in that order). `--baseline` names another build of the rule (e.g. `npm run build` of
 * an earlier commit) measured beside dist/rule in the same rounds, for before/after figures.
 * Needs `npm run build` first (the npm script does it): the change-event and sweep sections run
 * dist/rule/index.js.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { interpreterFor, probePython } from '../support/python';
import { measureChangeEvents, reportChangeEvents } from './change-events';
import { measureColdStart, reportColdStart } from './cold-start';
import { milliseconds } from './format';
import { measureHookAnswers, reportHookAnswers } from './hook';
import { describeMachine } from './machine';
import { FULL_RATE_LIMIT_PLAN, measureRateLimited, reportRateLimited } from './rate-limit';
import { measureRunbookHappyPath, reportRunbook } from './runbook';
import { reportSweepScale } from './sweep-report';
import { FULL_SWEEP_PLAN, measureSweepScale } from './sweep-scale';
import {
  changeEventTargets,
  coldStartTargets,
  rateLimitTargets,
  reportTargets,
  sweepTargets,
  type TargetCheck,
} from './targets';

const REPOSITORY = resolve(import.meta.dirname, '..', '..');
const LOAD_RUNS = 15;
const progress = (message: string) => process.stderr.write(`  ${message}\n`);

const { values, positionals: requested } = parseArgs({
  options: { baseline: { type: 'string' } },
  allowPositionals: true,
});
const baseline = values.baseline && resolve(values.baseline);

type Section = (targets: TargetCheck[]) => Promise<string>;

const SECTIONS: Record<string, Section> = {
  'cold-start': async (targets) => {
    const result = await measureColdStart({
      directory: resolve(REPOSITORY, '.bench', 'cold-start'),
      runs: LOAD_RUNS,
      ...(baseline && { baseline }),
    });
    targets.push(...coldStartTargets(result));
    return reportColdStart(result);
  },
  'change-events': async (targets) => {
    const figures = await measureChangeEvents();
    targets.push(...changeEventTargets(figures));
    return reportChangeEvents(figures);
  },
  runbook: async () => reportRunbook(await measureRunbookHappyPath(interpreterFor(probePython(), 'boto3'))),
  sweep: async (targets) => {
    const result = await measureSweepScale({ ...FULL_SWEEP_PLAN, ...(baseline && { baseline }) }, progress);
    targets.push(...sweepTargets(result));
    return reportSweepScale(result);
  },
  'rate-limit': async (targets) => {
    const result = await measureRateLimited(
      { ...FULL_RATE_LIMIT_PLAN, ...(baseline && { baseline }) },
      progress,
    );
    targets.push(...rateLimitTargets(result));
    return reportRateLimited(result);
  },
  hook: async () => reportHookAnswers(await measureHookAnswers()),
};

const unknown = requested.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  throw new Error(
    `unknown section(s) ${unknown.join(', ')}; choose from ${Object.keys(SECTIONS).join(', ')}`,
  );
}
const started = performance.now();
const args = process.argv.slice(2);
console.log(`# npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}\n`);
console.log(describeMachine());
if (baseline) console.log(`Baseline build: ${baseline}`);
const targets: TargetCheck[] = [];
for (const [name, section] of Object.entries(SECTIONS)) {
  if (requested.length > 0 && !requested.includes(name)) continue;
  process.stderr.write(`[bench] ${name}…\n`);
  console.log(await section(targets));
}
if (targets.length > 0) console.log(`\n## Targets\n\n${reportTargets(targets)}`);
console.log(`\nMeasured in ${milliseconds(performance.now() - started)} (after the build).`);
