import {
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { DescribeRouteTablesCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { ListNotebookInstancesCommand, ListTagsCommand } from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallContext } from '../../offline/index.js';
import { loadExampleAccount } from '../../rule/examples/index.js';
import { endpointClients } from './clients.js';
import { createFaultInjector, type FaultPolicy } from './faults.js';
import { type FakeAwsServer, startFakeAws } from './server.js';

let server: FakeAwsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(faults: FaultPolicy) {
  server = await startFakeAws({ inventory: loadExampleAccount(), faults });
  return { server, ...endpointClients(server) };
}

const evaluationOf = (resourceId: string) => ({
  ComplianceResourceType: 'AWS::SageMaker::NotebookInstance',
  ComplianceResourceId: resourceId,
  ComplianceType: 'COMPLIANT' as const,
  OrderingTimestamp: new Date('2026-11-28T00:00:00Z'),
});

describe('fault policy over HTTP', () => {
  it('throttles a third of the calls (400, 429, 503) and 500s some; the SDK retry still delivers every evaluation once', async () => {
    const { server, config } = await serve({
      seed: 42,
      throttleRate: 1 / 3,
      internalErrorRate: 0.1,
      spareLastAttempt: true,
    });
    for (let index = 0; index < 12; index++) {
      const answer = await config.send(
        new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: [evaluationOf(`r-${index}`)] }),
      );
      expect(answer.FailedEvaluations).toEqual([]);
    }
    const deliveries = server.state.deliveriesByResource();
    expect(deliveries.size).toBe(12);
    expect([...deliveries.values()].every((count) => count === 1)).toBe(true);

    expect(server.injectedFaults.length).toBeGreaterThan(0);
    const injectedInLog = server.requests.entries.filter((entry) => entry.injected);
    expect(injectedInLog.map((entry) => entry.sequence)).toEqual(
      server.injectedFaults.map((fault) => fault.sequence),
    );
    expect(new Set(injectedInLog.map((entry) => entry.statusCode))).toEqual(
      new Set(
        server.injectedFaults.map(
          (fault) =>
            ({
              throttling: 400,
              'too-many-requests': 429,
              'service-unavailable': 503,
              'internal-error': 500,
              'access-denied': 400,
            })[fault.kind],
        ),
      ),
    );
  });

  it('fails a call loudly once the SDK retries run out', async () => {
    const { server, sagemaker } = await serve({
      operations: { ListNotebookInstances: { kind: 'service-unavailable' } },
    });
    await expect(sagemaker.send(new ListNotebookInstancesCommand({}))).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503, attempts: 3 },
    });
    expect(server.injectedFaults.map((fault) => fault.attempt)).toEqual([1, 2, 3]);
  });

  it('always denies one operation, spelled per protocol (EC2 UnauthorizedOperation, JSON AccessDeniedException), not retried', async () => {
    const { server, ec2, sagemaker } = await serve({
      operations: { DescribeRouteTables: { kind: 'access-denied' }, ListTags: { kind: 'access-denied' } },
    });
    await expect(ec2.send(new DescribeRouteTablesCommand({}))).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
      $metadata: { httpStatusCode: 403, attempts: 1 },
    });
    await expect(
      sagemaker.send(
        new ListTagsCommand({
          ResourceArn: 'arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/quick-prototype',
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { attempts: 1 } });
    await expect(ec2.send(new DescribeSubnetsCommand({}))).resolves.toBeDefined();
    expect(server.injectedFaults).toHaveLength(2);
  });

  it('recovers from a 429 and a 500 on the first attempts', async () => {
    const { server, config, ec2 } = await serve({
      operations: {
        GetComplianceDetailsByConfigRule: { kind: 'too-many-requests', times: 1 },
        DescribeSubnets: { kind: 'internal-error', times: 2 },
      },
    });
    const results = await config.send(
      new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'sagemaker-notebook-vpc-guard' }),
    );
    expect(results.$metadata.attempts).toBe(2);
    const subnets = await ec2.send(new DescribeSubnetsCommand({}));
    expect(subnets.$metadata.attempts).toBe(3);
    expect(server.injectedFaults.map((fault) => [fault.operation, fault.kind])).toEqual([
      ['GetComplianceDetailsByConfigRule', 'too-many-requests'],
      ['DescribeSubnets', 'internal-error'],
      ['DescribeSubnets', 'internal-error'],
    ]);
  });

  it('reports FailedEvaluations for a chosen resource on the first N PutEvaluations', async () => {
    const { server, config } = await serve({ failedEvaluations: [{ resourceId: 'flaky', times: 2 }] });
    const send = () =>
      config.send(
        new PutEvaluationsCommand({
          ResultToken: 'token',
          Evaluations: [evaluationOf('steady'), evaluationOf('flaky')],
        }),
      );
    expect((await send()).FailedEvaluations?.map((e) => e.ComplianceResourceId)).toEqual(['flaky']);
    expect((await send()).FailedEvaluations?.map((e) => e.ComplianceResourceId)).toEqual(['flaky']);
    expect((await send()).FailedEvaluations).toEqual([]);
    expect(server.state.deliveriesByResource().get('flaky')).toBe(1);
  });
});

describe('fault injector', () => {
  const call = (sequence: number): CallContext => ({
    sequence,
    service: 'sagemaker',
    operation: 'DescribeNotebookInstance',
    protocol: 'awsJson1_1',
    input: {},
    attempt: 1,
    maxAttempts: 3,
  });

  it('is deterministic: the same seed faults the same calls the same way', () => {
    const run = (seed: number) => {
      const injector = createFaultInjector({ seed, throttleRate: 0.3, internalErrorRate: 0.1 });
      for (let sequence = 1; sequence <= 200; sequence++) injector.interceptor(call(sequence));
      return injector.injected.map((fault) => `${fault.sequence}:${fault.kind}`);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    const faulted = run(7).length;
    expect(faulted).toBeGreaterThan(200 * 0.3);
    expect(faulted).toBeLessThan(200 * 0.5);
  });

  it('spares the last attempt when asked, and exempt operations always', () => {
    const injector = createFaultInjector({
      throttleRate: 1,
      spareLastAttempt: true,
      exemptOperations: ['ListTags'],
    });
    expect(injector.interceptor({ ...call(1), attempt: 3 })).toBeUndefined();
    expect(injector.interceptor({ ...call(2), attempt: 2 })).toBeDefined();
    expect(injector.interceptor({ ...call(3), operation: 'ListTags' })).toBeUndefined();
  });
});

describe('rate limit (a token bucket per service)', () => {
  const callOf = (service: string, sequence: number): CallContext => ({
    sequence,
    service,
    operation: service === 'ec2' ? 'DescribeSubnets' : 'DescribeNotebookInstance',
    protocol: service === 'ec2' ? 'ec2Query' : 'awsJson1_1',
    input: {},
  });

  it('accepts a full bucket at once, then calls at the refill rate; a refused call takes no token', () => {
    let clock = 0;
    const injector = createFaultInjector({ rateLimit: { callsPerSecond: 10, burst: 3 } }, () => clock);
    const accepted = (service: string, sequence: number) =>
      injector.interceptor(callOf(service, sequence)) === undefined;
    expect([1, 2, 3, 4].map((n) => accepted('sagemaker', n))).toEqual([true, true, true, false]);
    // Another service has its own bucket.
    expect(accepted('ec2', 5)).toBe(true);
    clock = 50; // half a token: still refused, and the refusal does not reset the refill
    expect(accepted('sagemaker', 6)).toBe(false);
    clock = 100;
    expect([7, 8].map((n) => accepted('sagemaker', n))).toEqual([true, false]);
    clock = 10_000; // a long pause refills only up to the burst
    expect([9, 10, 11, 12].map((n) => accepted('sagemaker', n))).toEqual([true, true, true, false]);
    expect(injector.injected.map((fault) => [fault.sequence, fault.kind, fault.rateLimited])).toEqual([
      [4, 'throttling', true],
      [6, 'throttling', true],
      [8, 'throttling', true],
      [12, 'throttling', true],
    ]);
  });

  it('throttles over HTTP the way each protocol does (JSON ThrottlingException, EC2 RequestLimitExceeded)', async () => {
    server = await startFakeAws({
      inventory: loadExampleAccount(),
      faults: { rateLimit: { callsPerSecond: 0.001, burst: 1 } },
    });
    const { sagemaker, ec2 } = endpointClients(server, { maxAttempts: 1 });
    await expect(sagemaker.send(new ListNotebookInstancesCommand({}))).resolves.toBeDefined();
    await expect(sagemaker.send(new ListNotebookInstancesCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(ec2.send(new DescribeSubnetsCommand({}))).resolves.toBeDefined();
    await expect(ec2.send(new DescribeSubnetsCommand({}))).rejects.toMatchObject({
      name: 'RequestLimitExceeded',
      $metadata: { httpStatusCode: 503 },
    });
    expect(server.injectedFaults.map((fault) => [fault.service, fault.rateLimited])).toEqual([
      ['sagemaker', true],
      ['ec2', true],
    ]);
  });
});
