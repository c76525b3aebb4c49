/**
 * The CloudFormation hook's answer time: dist/hook/index.js in fresh Node processes (as Lambda loads it)
 * against the fake AWS endpoint serving the example account, one create request per example notebook. The
 * first request of a process is cold (clients and first EC2 lookups; the module load before it is Lambda's
 * init phase, measured for the rule bundle under cold start); the rest are warm (cached facts). CloudFormation waits 30 s for a hook; the function answers before its 20 s timeout.
 */
import { HOOK_BUNDLE } from '../../rule/build';
import { loadExampleAccount } from '../../rule/examples/index';
import { startFakeAws } from '../fake-aws/index';
import { invokeBundle } from '../fake-aws/invoke-bundle';
import { hookRequest } from '../fixtures/hook';
import { cloudFormationProperties, logicalIdOf } from '../parity/express';
import { heading, spread, table } from './format';
import { type Summary, summarize } from './statistics';

export interface HookFigures {
  readonly processes: number;
  readonly requestsPerProcess: number;
  readonly cold: Summary;
  readonly warm: Summary;
}

export async function measureHookAnswers(processes = 5): Promise<HookFigures> {
  const inventory = loadExampleAccount();
  const requests = inventory.notebooks.map((notebook) =>
    hookRequest(cloudFormationProperties(notebook), { logicalId: logicalIdOf(notebook) }),
  );
  const cold: number[] = [];
  const warm: number[] = [];
  for (let run = 0; run < processes; run++) {
    const server = await startFakeAws({ inventory });
    try {
      const { results } = await invokeBundle(server, requests, {
        bundle: HOOK_BUNDLE,
        remainingMs: 20_000,
        env: { RULE_PARAMETERS: JSON.stringify(inventory.ruleParameters) },
      });
      const failed = results.find((result) => !result.ok);
      if (failed) throw new Error(`the hook threw: ${failed.error?.name}: ${failed.error?.message}`);
      const [first, ...rest] = results.map((result) => result.durationMs);
      if (first !== undefined) cold.push(first);
      warm.push(...rest);
    } finally {
      await server.close();
    }
  }
  return { processes, requestsPerProcess: requests.length, cold: summarize(cold), warm: summarize(warm) };
}

export function reportHookAnswers(figures: HookFigures): string {
  return [
    heading('CloudFormation hook: answer time'),
    `${figures.processes} fresh processes × ${figures.requestsPerProcess} create requests (the example account's notebooks), against the local fake endpoint.`,
    '',
    table(
      ['request', 'answer time (median [min–max])'],
      [
        ['first of a process (cold)', spread(figures.cold)],
        ['later (warm, cached facts)', spread(figures.warm)],
      ],
    ),
    '',
    'CloudFormation waits 30 s for a Lambda hook. Against real EC2 add its latency to the cold figure (three describe calls at most, two of them in parallel).',
  ].join('\n');
}
