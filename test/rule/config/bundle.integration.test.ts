/**
 * The built bundle, dist/rule/index.js, in a child process against the fake AWS endpoint on 127.0.0.1:
 * the wire path (request serialization, pagination, retry on throttling) with nothing mocked in-process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Inventory } from '../../../offline/index';
import { loadExampleAccount } from '../../../rule/examples/index';
import {
  createSyntheticAccount,
  type FakeAwsServer,
  type FaultPolicy,
  startFakeAws,
} from '../../fake-aws/index';
import { invokeBundle } from '../../fake-aws/invoke-bundle';
import { changeEvent, notificationItem, oversizedEvent, scheduledEvent } from '../../fixtures/events';

let server: FakeAwsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(inventory: Inventory, faults?: FaultPolicy): Promise<FakeAwsServer> {
  server = await startFakeAws({ inventory, ...(faults && { faults }) });
  return server;
}

/** What each notebook (and each vanished one) should be, by the resource id Config files it under. */
function expectedByResourceId(inventory: Inventory): Record<string, string> {
  const configIds = new Map(
    inventory.discoveredResources?.map((r) => [r.resourceName?.toLowerCase(), r.resourceId]),
  );
  const expected: Record<string, string> = {};
  for (const notebook of inventory.notebooks) {
    const id = configIds.get(notebook.NotebookInstanceName.toLowerCase()) ?? notebook.NotebookInstanceName;
    expected[id] = notebook.expectedCompliance ?? 'unknown';
  }
  const live = new Set(Object.keys(expected).map((id) => id.toLowerCase()));
  for (const prior of inventory.priorEvaluations ?? []) {
    if (!live.has(prior.resourceId.toLowerCase())) expected[prior.resourceId] = 'NOT_APPLICABLE';
  }
  return expected;
}

function storedByResourceId(fake: FakeAwsServer): Record<string, string> {
  return Object.fromEntries(fake.state.storedEvaluations().map((e) => [e.resourceId, e.complianceType]));
}

describe('dist/rule/index.js against the fake AWS endpoint', () => {
  it('a periodic sweep of the example account stores the expected verdict for every notebook', async () => {
    const inventory = loadExampleAccount();
    const fake = await serve(inventory);
    const { results } = await invokeBundle(fake, [
      scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }),
    ]);
    expect(results).toEqual([expect.objectContaining({ ok: true })]);
    expect(storedByResourceId(fake)).toEqual(expectedByResourceId(inventory));
  });

  it('pages through 250 notebooks and Config’s inventory, and reports in batches of 100', async () => {
    const inventory = createSyntheticAccount({ notebooks: 250 });
    const fake = await serve(inventory);
    const { results } = await invokeBundle(fake, [
      scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }),
    ]);
    expect(results[0]?.ok).toBe(true);
    const calls = fake.requests.countsByOperation();
    expect(calls.ListNotebookInstances).toBe(3);
    expect(calls.DescribeNotebookInstance).toBe(250);
    expect(calls.PutEvaluations).toBe(3);
    expect(calls.ListDiscoveredResources).toBeGreaterThan(1);
    expect(storedByResourceId(fake)).toEqual(expectedByResourceId(inventory));
  });

  it('a third of the calls throttled (400 ThrottlingException, 429, 503): every evaluation still delivered exactly once', async () => {
    const inventory = createSyntheticAccount({ notebooks: 20 });
    const fake = await serve(inventory, {
      seed: 7,
      throttleRate: 1 / 3,
      internalErrorRate: 0.1,
      spareLastAttempt: true,
    });
    const { results } = await invokeBundle(fake, [
      scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }),
    ]);
    expect(results[0]).toMatchObject({ ok: true });
    // About a third of all calls (retries included) failed, of every kind.
    expect(fake.injectedFaults.length / fake.requests.count()).toBeGreaterThan(0.2);
    const kinds = new Set(fake.injectedFaults.map((fault) => fault.kind));
    expect([...kinds].sort()).toEqual([
      'internal-error',
      'service-unavailable',
      'throttling',
      'too-many-requests',
    ]);
    expect(storedByResourceId(fake)).toEqual(expectedByResourceId(inventory));
    expect([...fake.state.deliveriesByResource().values()].every((count) => count === 1)).toBe(true);
  });

  it('against a rate limit (a token bucket per service): calls are paced, every evaluation delivered exactly once', async () => {
    const inventory = createSyntheticAccount({ notebooks: 300 });
    const fake = await serve(inventory, { rateLimit: { callsPerSecond: 100, burst: 20 } });
    const { results } = await invokeBundle(fake, [
      scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }),
    ]);
    expect(results[0]).toMatchObject({ ok: true });
    expect(storedByResourceId(fake)).toEqual(expectedByResourceId(inventory));
    expect([...fake.state.deliveriesByResource().values()].every((count) => count === 1)).toBe(true);
    // Unpaced, 16 notebooks at a time against a local endpoint would be throttled many times over; paced, the
    // throttles that measure the rate are a small share of the calls SageMaker took.
    const throttled = fake.injectedFaults.filter(
      (fault) => fault.rateLimited && fault.service === 'sagemaker',
    );
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.length).toBeLessThan(0.25 * fake.requests.count('DescribeNotebookInstance'));
  });

  it('a change event, then an oversized one, through the wire', async () => {
    const inventory = loadExampleAccount();
    const fake = await serve(inventory);
    const arn = 'arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/quick-prototype';
    const summary = { resourceId: arn, resourceName: 'quick-prototype', ARN: arn };
    const ci = notificationItem({
      configuration: {
        NotebookInstanceName: 'quick-prototype',
        SubnetId: undefined,
        DirectInternetAccess: 'Enabled',
      },
      top: summary,
    });
    const oversized = notificationItem({
      top: { ...summary, resourceId: inventory.discoveredResources?.[0]?.resourceId },
    });
    const { results } = await invokeBundle(fake, [changeEvent(ci), oversizedEvent(oversized)]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(fake.requests.count('GetResourceConfigHistory')).toBe(1);
    expect(fake.state.storedEvaluation(arn)?.complianceType).toBe('NON_COMPLIANT');
    expect(fake.state.storedEvaluation(arn)?.annotation).toBe(
      'Runs in the SageMaker service VPC (no subnet); Direct internet access enabled',
    );
  });

  it('when retries run out (AccessDenied on route tables), the invocation fails loudly and reports nothing wrong', async () => {
    const inventory = loadExampleAccount();
    const fake = await serve(inventory, { operations: { DescribeRouteTables: { kind: 'access-denied' } } });
    const { results } = await invokeBundle(fake, [
      scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }),
    ]);
    expect(results[0]).toMatchObject({ ok: false, error: { name: 'SweepIncompleteError' } });
    expect(results[0]?.error?.message).toMatch(/could not be evaluated.*route tables/);
    // Notebooks that needed no route lookup (no subnet, exempt, vanished) were still reported; none COMPLIANT.
    const submitted = fake.state.submissions;
    expect(submitted.length).toBeGreaterThan(0);
    expect(submitted.every((e) => e.complianceType !== 'COMPLIANT')).toBe(true);
  });

  it('PutEvaluations reporting FailedEvaluations is retried, then fails loudly when it persists', async () => {
    const inventory = loadExampleAccount();
    const stubborn = 'arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/churn-analysis';
    const fake = await serve(inventory, { failedEvaluations: [{ resourceId: stubborn }] });
    const { results } = await invokeBundle(fake, [
      scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }),
    ]);
    expect(results[0]).toMatchObject({ ok: false, error: { name: 'EvaluationDeliveryError' } });
    expect(results[0]?.error?.message).toContain(stubborn);
    expect(fake.state.storedEvaluation(stubborn)).toBeUndefined();
    expect(fake.state.storedEvaluations().length).toBe(
      Object.keys(expectedByResourceId(inventory)).length - 1,
    );
  });

  it('throttling that never lets up: the SDK retries run out and the invocation fails loudly', async () => {
    const inventory = loadExampleAccount();
    const fake = await serve(inventory, { operations: { DescribeSubnets: { kind: 'throttling' } } });
    const { results } = await invokeBundle(fake, [
      scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }),
    ]);
    expect(results[0]).toMatchObject({ ok: false, error: { name: 'SweepIncompleteError' } });
    expect(results[0]?.error?.message).toMatch(/EC2 lookup of subnet .* failed \(RequestLimitExceeded/);
    expect(fake.state.submissions.every((e) => e.complianceType !== 'COMPLIANT')).toBe(true);
  });

  it('a sweep that would outlive the Lambda stops before the deadline and fails loudly', async () => {
    const inventory = createSyntheticAccount({ notebooks: 400 });
    server = await startFakeAws({ inventory, latencyMs: 100 });
    const remainingMs = 2_000;
    const { results } = await invokeBundle(
      server,
      [scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} })],
      {
        remainingMs,
      },
    );
    expect(results[0]).toMatchObject({ ok: false, error: { name: 'SweepIncompleteError' } });
    expect(results[0]?.error?.message).toMatch(
      /\d+ of 400 notebook\(s\) were not started before the Lambda deadline/,
    );
    expect(results[0]?.durationMs).toBeLessThan(remainingMs);
    // What was evaluated before the deadline is delivered, not thrown away.
    expect(server.state.submissions.length).toBeGreaterThan(0);
    expect(server.state.submissions.length).toBeLessThan(400);
  });
});

describe('dist/rule/index.js with SECURITY_HUB_FINDINGS=import', () => {
  const IMPORT = { env: { SECURITY_HUB_FINDINGS: 'import' } };
  const RULE = 'sagemaker-notebook-vpc-guard';
  const arnOf = (name: string) =>
    `arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/${name.toLowerCase()}`;
  const sweepOf = (inventory: Inventory) => [
    scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }),
  ];

  it('a sweep of 250 notebooks: each batch imported right after Config took it, one finding per evaluation', async () => {
    const inventory = createSyntheticAccount({ notebooks: 250 });
    const fake = await serve(inventory);
    const { results } = await invokeBundle(fake, sweepOf(inventory), IMPORT);
    expect(results[0]?.ok).toBe(true);
    const evaluations = fake.state.storedEvaluations().length;
    const deliveries = fake.requests.entries.filter((entry) =>
      ['PutEvaluations', 'BatchImportFindings'].includes(entry.operation),
    );
    expect(deliveries.map((entry) => entry.operation)).toEqual(
      Array.from({ length: Math.ceil(evaluations / 100) }, () => [
        'PutEvaluations',
        'BatchImportFindings',
      ]).flat(),
    );
    for (let index = 0; index < deliveries.length; index += 2) {
      const put = deliveries[index]?.input.Evaluations as { ComplianceResourceId: string }[];
      const imported = deliveries[index + 1]?.input.Findings as { Resources: { Id: string }[] }[];
      // Config files a notebook under its ARN, or its name when missing from Config's inventory; a finding's
      // resource is always the ARN: the same notebooks, in the same order.
      const notebookOf = (id = '') => id.split('/').at(-1);
      expect(imported.map((finding) => notebookOf(finding.Resources[0]?.Id))).toEqual(
        put.map((evaluation) => notebookOf(evaluation.ComplianceResourceId)),
      );
    }
    const findings = fake.state.securityHub.findings();
    expect(findings).toHaveLength(evaluations);
    const gone = findings.filter((finding) =>
      String((finding.Resources as { Id: string }[])[0]?.Id).includes('/gone-'),
    );
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.every((finding) => finding.RecordState === 'ARCHIVED')).toBe(true);
  });

  it('a later sweep updates the same findings (created time kept) and archives a notebook deleted in between', async () => {
    const inventory = loadExampleAccount();
    const fake = await serve(inventory);
    expect((await invokeBundle(fake, sweepOf(inventory), IMPORT)).results[0]?.ok).toBe(true);
    const id = (name: string) => `sagemaker-notebook-vpc-guard/${RULE}/${arnOf(name)}`;
    const before = fake.state.securityHub.finding(id('churn-analysis'));
    expect(fake.state.securityHub.finding(id('quick-prototype'))).toMatchObject({ RecordState: 'ACTIVE' });
    fake.state.deleteNotebook('quick-prototype');
    expect((await invokeBundle(fake, sweepOf(inventory), IMPORT)).results[0]?.ok).toBe(true);
    const after = fake.state.securityHub.finding(id('churn-analysis'));
    expect(after?.CreatedAt).toBe(before?.CreatedAt);
    expect(Date.parse(String(after?.UpdatedAt))).toBeGreaterThan(Date.parse(String(before?.UpdatedAt)));
    expect(fake.state.securityHub.imports.filter((entry) => entry.outcome === 'stale')).toEqual([]);
    expect(fake.state.securityHub.finding(id('quick-prototype'))).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'NOT_AVAILABLE' },
    });
  });

  it('a change event: its finding is imported right after its evaluation', async () => {
    const inventory = loadExampleAccount();
    const fake = await serve(inventory);
    const arn = arnOf('quick-prototype');
    const ci = notificationItem({
      configuration: {
        NotebookInstanceName: 'quick-prototype',
        SubnetId: undefined,
        DirectInternetAccess: 'Enabled',
      },
      top: { resourceId: arn, resourceName: 'quick-prototype', ARN: arn },
    });
    const { results } = await invokeBundle(fake, [changeEvent(ci)], IMPORT);
    expect(results[0]?.ok).toBe(true);
    expect(fake.requests.entries.map((entry) => entry.operation)).toEqual([
      'PutEvaluations',
      'BatchImportFindings',
    ]);
    expect(fake.state.securityHub.finding(`sagemaker-notebook-vpc-guard/${RULE}/${arn}`)).toMatchObject({
      Compliance: { Status: 'FAILED' },
      Severity: { Label: 'HIGH' },
      // The notebook's details survive the bundle's pruned ResourceDetails schema (rule/build.ts).
      Resources: [
        {
          Details: {
            AwsSageMakerNotebookInstance: {
              NotebookInstanceName: 'quick-prototype',
              NotebookInstanceArn: arn,
              SecurityGroups: ['sg-0123456789abcdef0', 'sg-0fedcba9876543210'],
              DirectInternetAccess: 'Enabled',
            },
          },
        },
      ],
    });
  });

  it('FailedFindings that persist after retries fail the invocation loudly, naming the finding', async () => {
    const inventory = loadExampleAccount();
    const fake = await serve(inventory);
    const stubborn = `sagemaker-notebook-vpc-guard/${RULE}/${arnOf('churn-analysis')}`;
    fake.state.securityHub.failFindingsFor(stubborn);
    const { results } = await invokeBundle(fake, sweepOf(inventory), IMPORT);
    expect(results[0]).toMatchObject({ ok: false, error: { name: 'FindingImportError' } });
    expect(results[0]?.error?.message).toContain(stubborn);
    // Config has every result; Security Hub every finding but that one.
    expect(storedByResourceId(fake)).toEqual(expectedByResourceId(inventory));
    expect(fake.state.securityHub.findings()).toHaveLength(fake.state.storedEvaluations().length - 1);
  });

  it.each(['failed-findings', 'exception'] as const)(
    'Security Hub not enabled (%s): the invocation succeeds after one import attempt',
    async (answer) => {
      const inventory = createSyntheticAccount({ notebooks: 250 });
      const fake = await serve(inventory);
      fake.state.securityHub.enabled = false;
      fake.state.securityHub.disabledAnswer = answer;
      const { results } = await invokeBundle(fake, sweepOf(inventory), IMPORT);
      expect(results[0]?.ok).toBe(true);
      expect(fake.requests.count('BatchImportFindings')).toBe(1);
      expect(storedByResourceId(fake)).toEqual(expectedByResourceId(inventory));
    },
  );

  it('off: no Security Hub call', async () => {
    const inventory = loadExampleAccount();
    const fake = await serve(inventory);
    const { results } = await invokeBundle(fake, sweepOf(inventory), {
      env: { SECURITY_HUB_FINDINGS: 'off' },
    });
    expect(results[0]?.ok).toBe(true);
    expect(fake.requests.entries.filter((entry) => entry.service === 'securityhub')).toEqual([]);
  });

  it('any other value fails the Lambda’s start, loudly', async () => {
    const fake = await serve(loadExampleAccount());
    await expect(invokeBundle(fake, [], { env: { SECURITY_HUB_FINDINGS: 'yes' } })).rejects.toThrow(
      /SECURITY_HUB_FINDINGS must be import or off, got yes/,
    );
    expect(fake.requests.count()).toBe(0);
  });
});
