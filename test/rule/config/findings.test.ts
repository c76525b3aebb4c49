/**
 * The Security Hub stage with the real SDK client against the offline fake: batches of 100 built as they are
 * sent, FailedFindings retried then named in a loud failure, Security Hub not enabled (either answer) a single
 * warning and no failure.
 */
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it, vi } from 'vitest';
import { commonError, createOfflineAws, type DisabledAnswer } from '../../../offline/index';
import { findingId, toFinding } from '../../../rule/asff/finding';
import {
  FindingImport,
  FindingImportError,
  type FindingImportOptions,
  MAX_FINDINGS_PER_CALL,
} from '../../../rule/config/findings';
import type { ResourceEvaluation } from '../../../rule/config/report';
import { serviceVpcEvaluation } from '../../fixtures/evaluations';
import { arnOf, notebooksOnly } from '../../offline/clients';

const RULE = 'sagemaker-notebook-vpc-guard';
const CONTEXT = { partition: 'aws', accountId: '111122223333', configRuleName: RULE };
const noSleep = async () => {};

function evaluations(count: number): ResourceEvaluation[] {
  return Array.from({ length: count }, (_, index) => {
    const name = `nb-${String(index + 1).padStart(3, '0')}`;
    return serviceVpcEvaluation(name, { notebook: { name, arn: arnOf(name) } });
  });
}

function securityHub() {
  const offline = createOfflineAws(notebooksOnly(0));
  const client = new SecurityHubClient({ ...offline.clientConfig, maxAttempts: 1 });
  const log = { warn: vi.fn() };
  return { offline, client, log, options: { log, sleep: noSleep } };
}

/** What the delivery stage does: each batch of up to 100 evaluations as findings, then finish. */
async function importFindings(
  client: SecurityHubClient,
  all: readonly ResourceEvaluation[],
  context: typeof CONTEXT,
  options: FindingImportOptions,
): Promise<void> {
  const run = new FindingImport(client, options);
  const findingContext = { ...context, region: await client.config.region(), deliveredAt: new Date() };
  for (let start = 0; start < all.length; start += MAX_FINDINGS_PER_CALL) {
    const batch = all.slice(start, start + MAX_FINDINGS_PER_CALL);
    await run.importBatch(batch.flatMap((evaluation) => toFinding(evaluation, findingContext) ?? []));
  }
  run.finish();
}

describe('FindingImport, batch after batch', () => {
  it('imports 250 evaluations in 3 calls of at most 100, each finding once', async () => {
    const { offline, client, options } = securityHub();
    await importFindings(client, evaluations(250), CONTEXT, options);
    const calls = offline.requests.ofOperation('BatchImportFindings');
    expect(calls.map((call) => (call.input.Findings as unknown[]).length)).toEqual([100, 100, 50]);
    const stored = offline.state.securityHub.storesById();
    expect(stored.size).toBe(250);
    expect([...stored.values()].every((count) => count === 1)).toBe(true);
    expect(offline.state.securityHub.finding(findingId(RULE, arnOf('nb-250')))).toMatchObject({
      Compliance: { Status: 'FAILED' },
      Severity: { Label: 'HIGH' },
    });
  });

  it('skips evaluations that are not about a notebook, and makes no call for none', async () => {
    const { offline, client, options } = securityHub();
    const [notebook] = evaluations(1);
    if (!notebook) throw new Error('no evaluation');
    await importFindings(client, [{ ...notebook, resourceType: 'AWS::EC2::Instance' }], CONTEXT, options);
    await importFindings(client, [], CONTEXT, options);
    expect(offline.requests.count('BatchImportFindings')).toBe(0);
  });

  it('retries a finding in FailedFindings and succeeds when it is accepted', async () => {
    const { offline, client, options } = securityHub();
    const flaky = findingId(RULE, arnOf('nb-002'));
    offline.state.securityHub.failFindingsFor(flaky, 2);
    await importFindings(client, evaluations(3), CONTEXT, options);
    const sent = offline.requests
      .ofOperation('BatchImportFindings')
      .map((call) => (call.input.Findings as { Id: string }[]).map((finding) => finding.Id));
    expect(sent).toEqual([
      [findingId(RULE, arnOf('nb-001')), flaky, findingId(RULE, arnOf('nb-003'))],
      [flaky],
      [flaky],
    ]);
    expect(offline.state.securityHub.finding(flaky)).toBeDefined();
  });

  it('fails loudly naming the findings still refused after the retries, after attempting every batch', async () => {
    const { offline, client, options } = securityHub();
    const stubborn = findingId(RULE, arnOf('nb-050'));
    offline.state.securityHub.failFindingsFor(stubborn);
    const error = await importFindings(client, evaluations(150), CONTEXT, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FindingImportError);
    expect((error as FindingImportError).unimported).toEqual([stubborn]);
    expect((error as Error).message).toContain(`${stubborn} (InternalFailure`);
    expect(offline.state.securityHub.findings()).toHaveLength(149);
  });

  it('a call that throws (access denied) loses its batch, the others still go, then it fails loudly', async () => {
    let calls = 0;
    const denied = createOfflineAws(notebooksOnly(0), {
      interceptor: (call) =>
        call.operation === 'BatchImportFindings' && ++calls === 1
          ? commonError('access-denied', call.protocol)
          : undefined,
    });
    const client = new SecurityHubClient({ ...denied.clientConfig, maxAttempts: 1 });
    const error = await importFindings(client, evaluations(150), CONTEXT, {
      log: { warn: vi.fn() },
      sleep: noSleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FindingImportError);
    expect((error as FindingImportError).unimported).toHaveLength(100);
    expect((error as Error).message).toContain('AccessDeniedException');
    expect(denied.state.securityHub.findings()).toHaveLength(50);
  });

  it.each<DisabledAnswer>(['failed-findings', 'exception'])(
    'Security Hub not enabled (%s): one warning, one call, no failure',
    async (answer) => {
      const { offline, client, log, options } = securityHub();
      offline.state.securityHub.enabled = false;
      offline.state.securityHub.disabledAnswer = answer;
      await importFindings(client, evaluations(250), CONTEXT, options);
      expect(offline.requests.count('BatchImportFindings')).toBe(1);
      expect(log.warn).toHaveBeenCalledTimes(1);
      expect(log.warn).toHaveBeenCalledWith(
        'Security Hub is not enabled in this account and region: no findings imported',
        { reason: expect.stringMatching(/^InvalidAccess/) },
      );
    },
  );
});

describe('FindingImport (per batch, for a pipeline)', () => {
  it('refuses a batch over 100 and sends nothing for it', async () => {
    const { offline, client, options } = securityHub();
    const context = { ...CONTEXT, region: 'ap-northeast-1', deliveredAt: new Date() };
    const findings = evaluations(MAX_FINDINGS_PER_CALL + 1).flatMap((e) => toFinding(e, context) ?? []);
    await expect(new FindingImport(client, options).importBatch(findings)).rejects.toThrow(RangeError);
    expect(offline.requests.count()).toBe(0);
  });

  it('takes batches one at a time and fails only at finish', async () => {
    const { offline, client, options } = securityHub();
    const context = { ...CONTEXT, region: 'ap-northeast-1', deliveredAt: new Date() };
    const [a, b] = evaluations(2).map((e) => toFinding(e, context));
    if (!a?.Id || !b) throw new Error('no findings');
    offline.state.securityHub.failFindingsFor(a.Id);
    const run = new FindingImport(client, options);
    expect(await run.importBatch([a])).toBe(0);
    expect(await run.importBatch([b])).toBe(1);
    expect(offline.state.securityHub.findings()).toHaveLength(1);
    expect(() => run.finish()).toThrow(FindingImportError);
  });
});
