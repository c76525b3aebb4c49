/**
 * `npm run bench [-- section...]`: prints every figure of issue 5 with its comparisons as ratios, then the
 * targets. Sections: cold-start, change-events, runbook, sweep (default: all, in that order).
 * Needs `npm run build` first (the npm script does it): the change-event and sweep sections run
 * dist/rule/index.js.
 */
import { join } from 'node:path';
import { interpreterFor, probePython } from '../support/python';
import { measureChangeEvents, reportChangeEvents } from './change-events';
import { measureColdStart, reportColdStart } from './cold-start';
import { milliseconds } from './format';
import { measureHookAnswers, reportHookAnswers } from './hook';
import { describeMachine } from './machine';
import { measureRunbookHappyPath, reportRunbook } from './runbook';
import { reportSweepScale } from './sweep-report';
import { FULL_SWEEP_PLAN, measureSweepScale } from './sweep-scale';
import {
  changeEventTargets,
  coldStartTargets,
  reportTargets,
  sweepTargets,
  type TargetCheck,
} from './targets';

const REPOSITORY = join(import.meta.dirname, '..', '..');
const LOAD_RUNS = 15;

type Section = (targets: TargetCheck[]) => Promise<string>;

const SECTIONS: Record<string, Section> = {
  'cold-start': async (targets) => {
    const result = await measureColdStart({
      directory: join(REPOSITORY, '.bench', 'cold-start'),
      runs: LOAD_RUNS,
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
    const result = await measureSweepScale(FULL_SWEEP_PLAN, (message) =>
      process.stderr.write(`  ${message}\n`),
    );
    targets.push(...sweepTargets(result));
    return reportSweepScale(result);
  },
  hook: async () => reportHookAnswers(await measureHookAnswers()),
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  throw new Error(
    `unknown section(s) ${unknown.join(', ')}; choose from ${Object.keys(SECTIONS).join(', ')}`,
  );
}
const started = performance.now();
console.log(`# npm run bench${requested.length > 0 ? ` -- ${requested.join(' ')}` : ''}\n`);
console.log(describeMachine());
const targets: TargetCheck[] = [];
for (const [name, section] of Object.entries(SECTIONS)) {
  if (requested.length > 0 && !requested.includes(name)) continue;
  process.stderr.write(`[bench] ${name}…\n`);
  console.log(await section(targets));
}
if (targets.length > 0) console.log(`\n## Targets\n\n${reportTargets(targets)}`);
console.log(`\nMeasured in ${milliseconds(performance.now() - started)} (after the build).`);
