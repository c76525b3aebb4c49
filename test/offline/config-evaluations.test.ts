import {
  type Evaluation,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  paginateGetComplianceDetailsByConfigRule,
} from '@aws-sdk/client-config-service';
import { describe, expect, it } from 'vitest';
import { arnOf, NOTEBOOK_TYPE, offlineClients } from './clients.js';

const RULE = 'sagemaker-notebook-vpc-guard';
const AT = new Date('2026-11-28T00:00:00Z');

function evaluation(resourceId: string, overrides: Partial<Evaluation> = {}): Evaluation {
  return {
    ComplianceResourceType: NOTEBOOK_TYPE,
    ComplianceResourceId: resourceId,
    ComplianceType: 'NON_COMPLIANT',
    Annotation: 'Runs in the SageMaker service VPC (no subnet).',
    OrderingTimestamp: AT,
    ...overrides,
  };
}

describe('Config PutEvaluations validation', () => {
  const refusals: ReadonlyArray<readonly [string, Evaluation[], string, string]> = [
    [
      'more than 100 evaluations',
      Array.from({ length: 101 }, (_, i) => evaluation(`id-${i}`)),
      'ValidationException',
      'length less than or equal to 100',
    ],
    [
      'an empty annotation',
      [evaluation('a', { Annotation: '' })],
      'ValidationException',
      "'evaluations.1.member.annotation'",
    ],
    [
      'an annotation of 257 characters',
      [evaluation('a', { Annotation: 'x'.repeat(257) })],
      'ValidationException',
      'less than or equal to 256',
    ],
    [
      'a missing OrderingTimestamp',
      [evaluation('a', { OrderingTimestamp: undefined })],
      'ValidationException',
      "'evaluations.1.member.orderingTimestamp'",
    ],
    [
      'a missing resource id',
      [evaluation('a', { ComplianceResourceId: undefined })],
      'ValidationException',
      'must not be null',
    ],
    [
      'an unknown compliance type',
      [evaluation('a', { ComplianceType: 'PASSED' as Evaluation['ComplianceType'] })],
      'ValidationException',
      'enum value set',
    ],
    [
      'INSUFFICIENT_DATA',
      [evaluation('a', { ComplianceType: 'INSUFFICIENT_DATA' })],
      'InvalidParameterValueException',
      'INSUFFICIENT_DATA',
    ],
    ['no evaluations', [], 'InvalidParameterValueException', 'cannot be null'],
  ];

  it.each(refusals)('refuses %s', async (_case, evaluations, name, message) => {
    const { config, offline } = offlineClients();
    await expect(
      config.send(new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: evaluations })),
    ).rejects.toMatchObject({
      name,
      message: expect.stringContaining(message),
      $metadata: { httpStatusCode: 400 },
    });
    expect(offline.state.submissions).toEqual([]);
  });

  it('lists every violation in one ValidationException, like the service', async () => {
    const { config } = offlineClients();
    await expect(
      config.send(
        new PutEvaluationsCommand({
          ResultToken: 'token',
          Evaluations: [evaluation('a', { Annotation: '' }), evaluation('b', { ComplianceType: undefined })],
        }),
      ),
    ).rejects.toMatchObject({ message: expect.stringMatching(/^2 validation errors detected: /) });
  });

  it('accepts 100 evaluations and annotations of exactly 256 characters', async () => {
    const { config, offline } = offlineClients();
    const evaluations = Array.from({ length: 100 }, (_, i) =>
      evaluation(`id-${i}`, { Annotation: 'y'.repeat(256) }),
    );
    const answer = await config.send(
      new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: evaluations }),
    );
    expect(answer.FailedEvaluations).toEqual([]);
    expect(offline.state.storedEvaluations()).toHaveLength(100 + 4);
  });

  it('refuses the TESTMODE token without TestMode, and a missing token', async () => {
    const { config } = offlineClients();
    await expect(
      config.send(new PutEvaluationsCommand({ ResultToken: 'TESTMODE', Evaluations: [evaluation('a')] })),
    ).rejects.toMatchObject({ name: 'InvalidResultTokenException' });
    await expect(
      config.send(new PutEvaluationsCommand({ ResultToken: undefined, Evaluations: [evaluation('a')] })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("'resultToken'"),
    });
  });
});

describe('Config PutEvaluations recording', () => {
  it('stores results so GetComplianceDetailsByConfigRule serves them, with the qualifier shape', async () => {
    const { config } = offlineClients(undefined, { now: () => new Date('2026-11-28T01:02:03Z') });
    const id = arnOf('quick-prototype');
    await config.send(new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: [evaluation(id)] }));
    const { EvaluationResults = [] } = await config.send(
      new GetComplianceDetailsByConfigRuleCommand({
        ConfigRuleName: RULE,
        ComplianceTypes: ['NON_COMPLIANT'],
      }),
    );
    expect(
      EvaluationResults.find(
        (r) => r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId === id,
      ),
    ).toEqual({
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: {
          ConfigRuleName: RULE,
          ResourceType: NOTEBOOK_TYPE,
          ResourceId: id,
          EvaluationMode: 'DETECTIVE',
        },
        OrderingTimestamp: AT,
      },
      ComplianceType: 'NON_COMPLIANT',
      ResultRecordedTime: new Date('2026-11-28T01:02:03Z'),
      ConfigRuleInvokedTime: new Date('2026-11-28T01:02:03Z'),
      Annotation: 'Runs in the SageMaker service VPC (no subnet).',
    });
  });

  it('records TestMode evaluations as test-mode and leaves stored compliance alone', async () => {
    const { config, offline } = offlineClients();
    const id = arnOf('fraud-model-training');
    await config.send(
      new PutEvaluationsCommand({ ResultToken: 'TESTMODE', TestMode: true, Evaluations: [evaluation(id)] }),
    );
    expect(offline.state.submissions).toMatchObject([{ resourceId: id, outcome: 'test-mode' }]);
    expect(offline.state.storedEvaluation(id)?.complianceType).toBe('COMPLIANT');
  });

  it('reports injected FailedEvaluations for chosen resources, the given number of times', async () => {
    const { config, offline } = offlineClients();
    offline.state.failEvaluationsFor('b', 1);
    const send = () =>
      config.send(
        new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: [evaluation('a'), evaluation('b')] }),
      );
    const first = await send();
    expect(first.FailedEvaluations).toEqual([evaluation('b')]);
    expect((await send()).FailedEvaluations).toEqual([]);
    expect(Object.fromEntries(offline.state.deliveriesByResource())).toEqual({ a: 2, b: 1 });
    expect(offline.state.submissions.map((s) => `${s.resourceId}:${s.outcome}`)).toEqual([
      'a:stored',
      'b:failed',
      'a:stored',
      'b:stored',
    ]);
  });
});

describe('Config GetComplianceDetailsByConfigRule', () => {
  it('serves the inventory prior results, including one for a notebook that no longer exists', async () => {
    const { config } = offlineClients();
    const { EvaluationResults = [] } = await config.send(
      new GetComplianceDetailsByConfigRuleCommand({
        ConfigRuleName: RULE,
        ComplianceTypes: ['NON_COMPLIANT', 'COMPLIANT'],
      }),
    );
    const ids = EvaluationResults.map(
      (r) => r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId,
    );
    expect(ids).toContain(arnOf('old-poc-notebook'));
    expect(ids).toHaveLength(4);
  });

  it('pages with Limit (default 10, max 100) and the SDK paginator', async () => {
    const { config, offline } = offlineClients();
    const evaluations = Array.from({ length: 96 }, (_, i) => evaluation(`id-${String(i).padStart(2, '0')}`));
    await config.send(new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: evaluations }));
    offline.requests.clear();
    let count = 0;
    for await (const page of paginateGetComplianceDetailsByConfigRule(
      { client: config },
      { ConfigRuleName: RULE },
    )) {
      count += page.EvaluationResults?.length ?? 0;
    }
    expect(count).toBe(100);
    expect(offline.requests.count('GetComplianceDetailsByConfigRule')).toBe(10);
    await expect(
      config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE, Limit: 101 })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('refuses an unknown rule and INSUFFICIENT_DATA as a filter', async () => {
    const { config } = offlineClients();
    await expect(
      config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'no-such-rule' })),
    ).rejects.toMatchObject({ name: 'NoSuchConfigRuleException' });
    await expect(
      config.send(
        new GetComplianceDetailsByConfigRuleCommand({
          ConfigRuleName: RULE,
          ComplianceTypes: ['INSUFFICIENT_DATA'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });
});
