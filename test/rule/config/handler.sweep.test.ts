import {
  GetComplianceDetailsByConfigRuleCommand,
  ListDiscoveredResourcesCommand,
  PutEvaluationsCommand,
  type PutEvaluationsCommandInput,
} from '@aws-sdk/client-config-service';
import { DescribeRouteTablesCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import {
  DescribeNotebookInstanceCommand,
  type DescribeNotebookInstanceOutput,
  ListNotebookInstancesCommand,
  ListTagsCommand,
} from '@aws-sdk/client-sagemaker';
import { beforeEach, describe, expect, it } from 'vitest';
import { EvaluationDeliveryError } from '../../../rule/config/report';
import { ASSESSING_PER_SLOT, MAX_BATCHES_WAITING } from '../../../rule/config/sweep';
import { lambdaContext, RULE_NAME, SCHEDULED_TIME, scheduledEvent } from '../../fixtures/events';
import {
  configMock,
  ec2Mock,
  putEvaluationsSent,
  resetMocks,
  SUBNET,
  sagemakerMock,
  testHandler,
  VPC,
} from '../support';

const TYPE = 'AWS::SageMaker::NotebookInstance';
const arnOf = (name: string) =>
  `arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/${name.toLowerCase()}`;

interface TestNotebook {
  readonly name: string;
  readonly subnet?: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * Mocks SageMaker for these notebooks: paginated listing (pages of 100), Describe and ListTags per notebook.
 * `calls`, when given, gets `list:<page>` and `describe` in the order the calls are made.
 */
function mockNotebooks(notebooks: readonly TestNotebook[], calls?: string[]): void {
  const pages: (readonly TestNotebook[])[] = [];
  for (let i = 0; i < Math.max(notebooks.length, 1); i += 100) pages.push(notebooks.slice(i, i + 100));
  sagemakerMock.on(ListNotebookInstancesCommand).callsFake(({ NextToken }: { NextToken?: string }) => {
    const index = NextToken ? Number(NextToken) : 0;
    calls?.push(`list:${index}`);
    return {
      NotebookInstances: (pages[index] ?? []).map((n) => ({
        NotebookInstanceName: n.name,
        NotebookInstanceArn: arnOf(n.name),
        NotebookInstanceStatus: 'InService',
      })),
      ...(index + 1 < pages.length && { NextToken: String(index + 1) }),
    };
  });
  const byName = new Map(notebooks.map((n) => [n.name, n]));
  sagemakerMock
    .on(DescribeNotebookInstanceCommand)
    .callsFake(({ NotebookInstanceName }: { NotebookInstanceName: string }) => {
      calls?.push('describe');
      const notebook = byName.get(NotebookInstanceName);
      if (!notebook) throw Object.assign(new Error('RecordNotFound'), { name: 'ValidationException' });
      const description: DescribeNotebookInstanceOutput = {
        NotebookInstanceName: notebook.name,
        NotebookInstanceArn: arnOf(notebook.name),
        NotebookInstanceStatus: 'InService',
        DirectInternetAccess: 'Disabled',
        ...(notebook.subnet !== false && { SubnetId: SUBNET, SecurityGroups: ['sg-0123456789abcdef0'] }),
      };
      return description;
    });
  const byArn = new Map(notebooks.map((n) => [arnOf(n.name), n]));
  sagemakerMock.on(ListTagsCommand).callsFake(({ ResourceArn }: { ResourceArn: string }) => ({
    Tags: Object.entries(byArn.get(ResourceArn)?.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
  }));
}

function mockConfigInventory(entries: readonly { resourceId: string; resourceName?: string }[]): void {
  configMock.on(ListDiscoveredResourcesCommand).resolves({
    resourceIdentifiers: entries.map((entry) => ({ resourceType: TYPE as never, ...entry })),
  });
}

function mockPriorResults(resourceIds: readonly string[]): void {
  configMock.on(GetComplianceDetailsByConfigRuleCommand).resolves({
    EvaluationResults: resourceIds.map((ResourceId) => ({
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: { ConfigRuleName: RULE_NAME, ResourceType: TYPE, ResourceId },
      },
      ComplianceType: 'NON_COMPLIANT',
    })),
  });
}

const byId = () => Object.fromEntries(putEvaluationsSent().map((e) => [e.ComplianceResourceId, e]));

beforeEach(() => {
  resetMocks();
  mockConfigInventory([]);
  mockPriorResults([]);
});

describe('handler: ScheduledNotification (periodic sweep)', () => {
  it('evaluates every notebook SageMaker lists, at the notification time, filed under Config’s own ids', async () => {
    mockNotebooks([{ name: 'Alpha' }, { name: 'bravo', subnet: false, tags: { team: 'growth' } }]);
    mockConfigInventory([
      { resourceId: 'Alpha', resourceName: 'Alpha' },
      { resourceId: arnOf('bravo'), resourceName: 'bravo' },
    ]);
    const { handler } = testHandler();
    await handler(scheduledEvent(), lambdaContext());
    expect(putEvaluationsSent()).toEqual([
      {
        ComplianceResourceType: TYPE,
        ComplianceResourceId: 'Alpha',
        ComplianceType: 'COMPLIANT',
        OrderingTimestamp: new Date(SCHEDULED_TIME),
      },
      {
        ComplianceResourceType: TYPE,
        ComplianceResourceId: arnOf('bravo'),
        ComplianceType: 'NON_COMPLIANT',
        OrderingTimestamp: new Date(SCHEDULED_TIME),
        Annotation: 'Runs in the SageMaker service VPC (no subnet)',
      },
    ]);
    expect(configMock).toHaveReceivedCommandWith(ListDiscoveredResourcesCommand, {
      resourceType: TYPE as never,
    });
    // Tags only for the NON_COMPLIANT notebook (who owns it says where to fix it): none for the compliant one.
    expect(sagemakerMock).toHaveReceivedCommandTimes(ListTagsCommand, 1);
    expect(sagemakerMock).toHaveReceivedCommandWith(ListTagsCommand, { ResourceArn: arnOf('bravo') });
  });

  it('S12: a NON_COMPLIANT notebook its code owns says where to fix it; its EC2 facts are looked up once', async () => {
    mockNotebooks([
      { name: 'cfn', tags: { 'aws:cloudformation:stack-name': 'analytics-prod' } },
      { name: 'tf', subnet: false, tags: { ManagedBy: 'Terraform' } },
    ]);
    ec2Mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-0123456789abcdef0',
          VpcId: VPC,
          Associations: [{ SubnetId: SUBNET }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0123456789abcdef0' }],
        },
      ],
    });
    const { handler } = testHandler();
    await handler(scheduledEvent(), lambdaContext());
    expect(byId()).toMatchObject({
      cfn: {
        ComplianceType: 'NON_COMPLIANT',
        Annotation:
          'Public subnet: rtb-0123456789abcdef0 routes 0.0.0.0/0 to igw-0123456789abcdef0; managed by CloudFormation stack analytics-prod: fix the template',
      },
      tf: {
        Annotation:
          'Runs in the SageMaker service VPC (no subnet); managed by Terraform (tag ManagedBy=Terraform): fix the code',
      },
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeRouteTablesCommand, 1);
  });

  it('matches Config’s inventory case-insensitively (ARNs lowercase the name)', async () => {
    mockNotebooks([{ name: 'MixedCase' }]);
    mockConfigInventory([{ resourceId: arnOf('MixedCase') }]);
    const { handler, logs } = testHandler();
    await handler(scheduledEvent(), lambdaContext());
    expect(Object.keys(byId())).toEqual([arnOf('MixedCase')]);
    expect(logs.warn).not.toHaveBeenCalled();
  });

  it('falls back to the name with a warning when Config has no entry', async () => {
    mockNotebooks([{ name: 'unknown-to-config' }]);
    const { handler, logs } = testHandler();
    await handler(scheduledEvent(), lambdaContext());
    expect(Object.keys(byId())).toEqual(['unknown-to-config']);
    expect(logs.warn).toHaveBeenCalledWith(expect.stringContaining('no inventory entry'), {
      notebook: 'unknown-to-config',
    });
  });

  it('falls back to names with a warning when Config refuses ListDiscoveredResources', async () => {
    mockNotebooks([{ name: 'nb-1' }]);
    configMock
      .on(ListDiscoveredResourcesCommand)
      .rejects(Object.assign(new Error('bad type'), { name: 'ValidationException' }));
    const { handler, logs } = testHandler();
    await handler(scheduledEvent(), lambdaContext());
    expect(Object.keys(byId())).toEqual(['nb-1']);
    expect(logs.warn).toHaveBeenCalledWith(
      expect.stringContaining('refused ListDiscoveredResources'),
      expect.anything(),
    );
  });

  it('marks notebooks this rule evaluated before but that no longer exist as NOT_APPLICABLE', async () => {
    mockNotebooks([{ name: 'still-here' }]);
    mockConfigInventory([{ resourceId: 'still-here', resourceName: 'still-here' }]);
    mockPriorResults(['still-here', 'deleted-last-week']);
    const { handler } = testHandler();
    await handler(scheduledEvent(), lambdaContext());
    expect(configMock).toHaveReceivedCommandWith(GetComplianceDetailsByConfigRuleCommand, {
      ConfigRuleName: RULE_NAME,
      ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
    });
    expect(byId()).toEqual({
      'still-here': expect.objectContaining({ ComplianceType: 'COMPLIANT' }),
      'deleted-last-week': expect.objectContaining({
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: 'Notebook instance no longer exists',
      }),
    });
  });

  it('without Config’s inventory, leaves an earlier result it cannot map alone rather than hide a live notebook', async () => {
    mockNotebooks([{ name: 'live' }]);
    configMock
      .on(ListDiscoveredResourcesCommand)
      .rejects(Object.assign(new Error('bad type'), { name: 'ValidationException' }));
    mockPriorResults(['opaque:id/that-is-not-a-name', 'gone-notebook', arnOf('live')]);
    const { handler, logs } = testHandler();
    await handler(scheduledEvent(), lambdaContext());
    expect(Object.keys(byId()).sort()).toEqual(['gone-notebook', 'live']);
    expect(logs.warn).toHaveBeenCalledWith(expect.stringContaining('cannot be mapped'), {
      resourceId: 'opaque:id/that-is-not-a-name',
    });
  });

  it('a notebook deleted between listing and describing is NOT_APPLICABLE', async () => {
    mockNotebooks([{ name: 'here' }]);
    sagemakerMock.on(ListNotebookInstancesCommand).resolves({
      NotebookInstances: [
        { NotebookInstanceName: 'here', NotebookInstanceArn: arnOf('here') },
        { NotebookInstanceName: 'racing', NotebookInstanceArn: arnOf('racing') },
      ],
    });
    const { handler } = testHandler();
    await handler(scheduledEvent(), lambdaContext());
    expect(byId().racing).toMatchObject({ ComplianceType: 'NOT_APPLICABLE' });
  });

  it('reads tags (ListTags) only when ExemptionTagKey is set, and honours the exemption', async () => {
    mockNotebooks([
      { name: 'lab', subnet: false, tags: { 'vpc-guard:exempt': 'sandbox' } },
      { name: 'prod', subnet: false },
    ]);
    const { handler } = testHandler();
    await handler(
      scheduledEvent({ ruleParameters: { ExemptionTagKey: 'vpc-guard:exempt' } }),
      lambdaContext(),
    );
    expect(sagemakerMock).toHaveReceivedCommandTimes(ListTagsCommand, 2);
    expect(byId()).toMatchObject({
      lab: { ComplianceType: 'NOT_APPLICABLE', Annotation: 'Exempt: tagged vpc-guard:exempt' },
      prod: { ComplianceType: 'NON_COMPLIANT' },
    });
  });

  it('pages through 250 notebooks and reports them in batches of 100, each once', async () => {
    mockNotebooks(Array.from({ length: 250 }, (_, i) => ({ name: `nb-${i}` })));
    const { handler } = testHandler({ sweepConcurrency: 8 });
    await handler(scheduledEvent(), lambdaContext());
    expect(sagemakerMock).toHaveReceivedCommandTimes(ListNotebookInstancesCommand, 3);
    const calls = configMock.commandCalls(PutEvaluationsCommand);
    expect(calls.map((call) => call.args[0].input.Evaluations?.length)).toEqual([100, 100, 50]);
    expect(new Set(putEvaluationsSent().map((e) => e.ComplianceResourceId)).size).toBe(250);
    // 250 notebooks in one subnet: the EC2 facts are looked up once.
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeRouteTablesCommand, 1);
  });

  it('a notebook whose lookup fails: the others are delivered, then the invocation fails naming it', async () => {
    mockNotebooks([{ name: 'good', subnet: false }, { name: 'broken' }]);
    ec2Mock
      .on(DescribeSubnetsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded' }));
    const { handler, logs } = testHandler();
    await expect(handler(scheduledEvent(), lambdaContext())).rejects.toThrow(
      /Periodic sweep incomplete: 1 of 2 notebook\(s\) could not be evaluated \(broken: EC2 lookup of subnet/,
    );
    expect(Object.keys(byId())).toEqual(['good']);
    expect(logs.error).toHaveBeenCalledWith(
      'Notebook could not be evaluated',
      expect.objectContaining({ notebook: 'broken' }),
    );
  });

  it('stops starting notebooks near the Lambda deadline and fails loudly instead of reporting part silently', async () => {
    mockNotebooks(Array.from({ length: 5 }, (_, i) => ({ name: `nb-${i}` })));
    const { handler } = testHandler();
    // No time left: nothing may be started.
    await expect(handler(scheduledEvent(), lambdaContext(0))).rejects.toThrow(
      '5 of 5 notebook(s) were not started before the Lambda deadline',
    );
    expect(sagemakerMock).not.toHaveReceivedCommand(DescribeNotebookInstanceCommand);
  });

  it('a failing listing fails the sweep before anything is reported', async () => {
    sagemakerMock
      .on(ListNotebookInstancesCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { handler } = testHandler();
    await expect(handler(scheduledEvent(), lambdaContext())).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});

describe('handler: the sweep as a pipeline', () => {
  const many = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `nb-${i}` }));
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('delivers as it goes: the first PutEvaluations before the last listing page is asked for', async () => {
    const calls: string[] = [];
    mockNotebooks(many(500), calls);
    configMock.on(PutEvaluationsCommand).callsFake(() => {
      calls.push('put');
      return { FailedEvaluations: [] };
    });
    const { handler } = testHandler({ sweepConcurrency: 8 });
    await handler(scheduledEvent(), lambdaContext());
    expect(calls.filter((call) => call === 'put')).toHaveLength(5);
    expect(calls.indexOf('put')).toBeLessThan(calls.indexOf('list:4'));
    // The listing runs at most one page ahead of the notebooks being described.
    for (const page of [2, 3, 4]) {
      const described = calls.slice(0, calls.indexOf(`list:${page}`)).filter((call) => call === 'describe');
      expect(described.length).toBeGreaterThanOrEqual((page - 1) * 100 - 8);
    }
  });

  it('makes at most SWEEP_CONCURRENCY SageMaker calls at once (descriptions and the tags of NON_COMPLIANT notebooks)', async () => {
    mockNotebooks(many(120));
    let inFlight = 0;
    let most = 0;
    const counted = async <T>(answer: T): Promise<T> => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await tick();
      inFlight -= 1;
      return answer;
    };
    sagemakerMock.on(DescribeNotebookInstanceCommand).callsFake(({ NotebookInstanceName }) =>
      counted({
        NotebookInstanceName,
        NotebookInstanceArn: arnOf(NotebookInstanceName),
        DirectInternetAccess: 'Enabled',
      }),
    );
    sagemakerMock.on(ListTagsCommand).callsFake(() => counted({ Tags: [] }));
    const { handler } = testHandler({ sweepConcurrency: 5 });
    await handler(scheduledEvent(), lambdaContext());
    expect(most).toBe(5);
    expect(sagemakerMock).toHaveReceivedCommandTimes(ListTagsCommand, 120);
    expect(putEvaluationsSent()).toHaveLength(120);
  });

  it('notebooks waiting for their EC2 facts do not hold back describing the next ones, up to a bound', async () => {
    const calls: string[] = [];
    mockNotebooks(many(20), calls);
    let releaseSubnets = () => {};
    ec2Mock.on(DescribeSubnetsCommand).callsFake(
      ({ Filters = [] }: { Filters?: { Values?: string[] }[] }) =>
        new Promise((resolve) => {
          releaseSubnets = () =>
            resolve({ Subnets: (Filters[0]?.Values ?? []).map((SubnetId) => ({ SubnetId, VpcId: VPC })) });
        }),
    );
    const { handler } = testHandler({ sweepConcurrency: 2 });
    const sweeping = handler(scheduledEvent(), lambdaContext());
    for (let turn = 0; turn < 30; turn++) await tick();
    // 2 described at a time; described ones wait for the subnet, up to 2 × ASSESSING_PER_SLOT of them
    // (and the 2 described when that was reached).
    const described = calls.filter((call) => call === 'describe').length;
    expect(described).toBeGreaterThanOrEqual(2 * ASSESSING_PER_SLOT);
    expect(described).toBeLessThanOrEqual(2 * ASSESSING_PER_SLOT + 2);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 1);
    releaseSubnets();
    await sweeping;
    expect(putEvaluationsSent()).toHaveLength(20);
  });

  it('when delivery falls behind, new notebooks wait: a bounded number of results is held', async () => {
    const calls: string[] = [];
    mockNotebooks(many(3_000), calls);
    const releases: Array<() => void> = [];
    configMock
      .on(PutEvaluationsCommand)
      .callsFake(() => new Promise((resolve) => releases.push(() => resolve({ FailedEvaluations: [] }))));
    const { handler } = testHandler({ sweepConcurrency: 8 });
    const sweeping = handler(scheduledEvent(), lambdaContext());
    // Config holds the first batch: at most MAX_BATCHES_WAITING full batches, one partial batch and the
    // notebooks being described or assessed are held; describing stops.
    const describes = () => calls.filter((call) => call === 'describe').length;
    let described = 0;
    for (let unchanged = 0; unchanged < 20; ) {
      await tick();
      unchanged = describes() === described ? unchanged + 1 : 0;
      described = describes();
    }
    expect(releases).toHaveLength(1);
    expect(described).toBeGreaterThanOrEqual(MAX_BATCHES_WAITING * 100);
    expect(described).toBeLessThanOrEqual((MAX_BATCHES_WAITING + 1) * 100 + 8 * (1 + ASSESSING_PER_SLOT));
    let done = false;
    void sweeping.finally(() => {
      done = true;
    });
    while (!done) {
      releases.shift()?.();
      await tick();
    }
    await sweeping;
    expect(new Set(putEvaluationsSent().map((e) => e.ComplianceResourceId)).size).toBe(3_000);
  });

  it('a listing page failing part-way: what was listed is delivered, nothing is marked gone, then it fails loudly', async () => {
    mockNotebooks(many(250));
    mockPriorResults(['deleted-last-week']);
    sagemakerMock
      .on(ListNotebookInstancesCommand, { NextToken: '2' })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const { handler } = testHandler();
    await expect(handler(scheduledEvent(), lambdaContext())).rejects.toThrow(
      'Periodic sweep incomplete: listing notebooks failed after 200 (ThrottlingException: Rate exceeded): ' +
        'the rest were not evaluated and no notebook was marked as gone',
    );
    expect(putEvaluationsSent()).toHaveLength(200);
    expect(byId()['deleted-last-week']).toBeUndefined();
  });

  it('a batch Config refuses mid-stream: the other batches are still delivered, then it fails naming the refused', async () => {
    mockNotebooks(many(250));
    configMock.on(PutEvaluationsCommand).callsFake(({ Evaluations = [] }: PutEvaluationsCommandInput) => {
      if (Evaluations.some((evaluation) => evaluation.ComplianceResourceId === 'nb-150'))
        throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
      return { FailedEvaluations: [] };
    });
    const { handler } = testHandler();
    const failure = await handler(scheduledEvent(), lambdaContext()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationDeliveryError);
    expect((failure as EvaluationDeliveryError).undelivered).toHaveLength(100);
    expect((failure as Error).message).toMatch(
      /^Config did not accept 100 evaluation\(s\) \(.*, …\): AccessDeniedException$/,
    );
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
  });

  it('earlier results that cannot be read: every notebook is delivered, then it fails saying none was marked gone', async () => {
    mockNotebooks(many(3));
    configMock
      .on(GetComplianceDetailsByConfigRuleCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { handler } = testHandler();
    await expect(handler(scheduledEvent(), lambdaContext())).rejects.toThrow(
      'Periodic sweep incomplete: earlier results could not be read (AccessDeniedException: denied): ' +
        'notebooks that no longer exist were not marked NOT_APPLICABLE',
    );
    expect(putEvaluationsSent()).toHaveLength(3);
  });

  it('logs one INFO line per batch and one DEBUG line per evaluation', async () => {
    mockNotebooks(many(150));
    const { handler, logs } = testHandler();
    await handler(scheduledEvent(), lambdaContext());
    const delivered = logs.info.mock.calls.filter(([message]) => message === 'Evaluations delivered');
    expect(delivered.map(([, fields]) => fields)).toEqual([
      { batch: 1, evaluations: 100, COMPLIANT: 100 },
      { batch: 2, evaluations: 50, COMPLIANT: 50 },
    ]);
    expect(logs.info.mock.calls.filter(([message]) => message === 'Evaluation')).toHaveLength(0);
    expect(logs.debug.mock.calls.filter(([message]) => message === 'Evaluation')).toHaveLength(150);
  });
});
