/**
 * The built hook, dist/hook/index.js, in a child process against the fake AWS endpoint serving the example
 * account: one create request per example notebook, answered with the verdict the example expects. Its answer
 * times are a benchmark figure (`npm run bench -- hook`), not an assertion.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HOOK_BUNDLE } from '../../../rule/build';
import { loadExampleAccount } from '../../../rule/examples/index';
import type { HookResponse } from '../../../rule/hook/request';
import { type FakeAwsServer, startFakeAws } from '../../fake-aws/index';
import { invokeBundle } from '../../fake-aws/invoke-bundle';
import { hookRequest } from '../../fixtures/hook';
import { cloudFormationProperties, logicalIdOf } from '../../parity/express';

let server: FakeAwsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const STATUS_BY_COMPLIANCE: Readonly<Record<string, string>> = {
  COMPLIANT: 'SUCCESS',
  NOT_APPLICABLE: 'SUCCESS',
  NON_COMPLIANT: 'FAILED',
};

describe('dist/hook/index.js against the fake AWS endpoint', () => {
  it('answers every example notebook with the example’s verdict, in time', async () => {
    const inventory = loadExampleAccount();
    server = await startFakeAws({ inventory });
    const requests = inventory.notebooks.map((notebook) =>
      hookRequest(cloudFormationProperties(notebook), { logicalId: logicalIdOf(notebook) }),
    );
    const { results } = await invokeBundle(server, requests, {
      bundle: HOOK_BUNDLE,
      remainingMs: 30_000,
      env: { RULE_PARAMETERS: JSON.stringify(inventory.ruleParameters) },
    });
    const answers = results.map((result) => result.value as HookResponse);
    expect(answers.map((answer) => answer.hookStatus)).toEqual(
      inventory.notebooks.map((notebook) => STATUS_BY_COMPLIANCE[notebook.expectedCompliance ?? 'COMPLIANT']),
    );
    expect(
      answers.filter((answer) => answer.hookStatus === 'FAILED').every((a) => a.errorCode === 'NonCompliant'),
    ).toBe(true);
  });
});
