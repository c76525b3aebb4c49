import {
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import { DescribeRouteTablesCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { DescribeNotebookInstanceCommand, ListTagsCommand } from '@aws-sdk/client-sagemaker';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  apiItem,
  changeEvent,
  describeOutput,
  lambdaContext,
  notificationItem,
  oversizedEvent,
} from '../../fixtures/events';
import { configMock, ec2Mock, putEvaluationsSent, resetMocks, sagemakerMock, testHandler } from '../support';

const CAPTURE_TIME = new Date('2026-11-20T08:15:30.123Z');
const RESOURCE = {
  ComplianceResourceType: 'AWS::SageMaker::NotebookInstance',
  ComplianceResourceId: 'Fraud-Model-Dev',
};

beforeEach(resetMocks);

describe('handler: ConfigurationItemChangeNotification', () => {
  it('puts exactly one COMPLIANT evaluation on the CI resource id and capture time, without annotation', async () => {
    const { handler, logs } = testHandler();
    await handler(changeEvent(notificationItem()), lambdaContext());
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: 'eyJlbmNyeXB0ZWREYXRhIjpbXX0=',
      Evaluations: [{ ...RESOURCE, ComplianceType: 'COMPLIANT', OrderingTimestamp: CAPTURE_TIME }],
    });
    expect(configMock.commandCalls(PutEvaluationsCommand)[0]?.args[0].input.TestMode).toBeUndefined();
    expect(logs.info).toHaveBeenCalledWith(
      'Evaluation',
      expect.objectContaining({ resourceId: 'Fraud-Model-Dev', compliance: 'COMPLIANT' }),
    );
  });

  it('echoes an ARN-shaped resource id verbatim', async () => {
    const arn = 'arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/fraud-model-dev';
    const { handler } = testHandler();
    await handler(changeEvent(notificationItem({ top: { resourceId: arn } })), lambdaContext());
    expect(putEvaluationsSent()).toEqual([expect.objectContaining({ ComplianceResourceId: arn })]);
  });

  it('annotates a NON_COMPLIANT notebook with every failed check', async () => {
    const { handler } = testHandler();
    const item = notificationItem({
      configuration: { SubnetId: undefined, DirectInternetAccess: 'Enabled' },
    });
    await handler(changeEvent(item), lambdaContext());
    expect(putEvaluationsSent()).toEqual([
      {
        ...RESOURCE,
        ComplianceType: 'NON_COMPLIANT',
        OrderingTimestamp: CAPTURE_TIME,
        Annotation: 'Runs in the SageMaker service VPC (no subnet); Direct internet access enabled',
      },
    ]);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it.each(['ResourceDeleted', 'ResourceNotRecorded', 'ResourceDeletedNotRecorded'])(
    'A2: a %s CI is NOT_APPLICABLE without any lookup',
    async (status) => {
      const { handler } = testHandler();
      await handler(
        changeEvent(notificationItem({ top: { configurationItemStatus: status, configuration: null } })),
        lambdaContext(),
      );
      expect(putEvaluationsSent()).toEqual([
        expect.objectContaining({
          ...RESOURCE,
          ComplianceType: 'NOT_APPLICABLE',
          OrderingTimestamp: CAPTURE_TIME,
        }),
      ]);
      expect(ec2Mock.calls()).toHaveLength(0);
    },
  );

  it('A3: eventLeftScope is NOT_APPLICABLE', async () => {
    const { handler } = testHandler();
    await handler(changeEvent(notificationItem(), { eventLeftScope: true }), lambdaContext());
    expect(putEvaluationsSent()).toEqual([
      expect.objectContaining({
        ...RESOURCE,
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: 'Resource left the rule scope',
      }),
    ]);
  });

  it('A4: a CI of another resource type is NOT_APPLICABLE under its own type', async () => {
    const { handler } = testHandler();
    const item = notificationItem({
      top: { resourceType: 'AWS::EC2::Instance', resourceId: 'i-0123456789abcdef0' },
    });
    await handler(changeEvent(item), lambdaContext());
    expect(putEvaluationsSent()).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::EC2::Instance',
        ComplianceResourceId: 'i-0123456789abcdef0',
        ComplianceType: 'NOT_APPLICABLE',
      }),
    ]);
  });

  it('S1: an exempt notebook is NOT_APPLICABLE from the CI tags', async () => {
    const { handler } = testHandler();
    const item = notificationItem({
      configuration: { SubnetId: undefined },
      top: { tags: { 'vpc-guard:exempt': 'lab' } },
    });
    await handler(
      changeEvent(item, { ruleParameters: { ExemptionTagKey: 'vpc-guard:exempt' } }),
      lambdaContext(),
    );
    expect(putEvaluationsSent()).toEqual([
      expect.objectContaining({
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: 'Exempt: tagged vpc-guard:exempt',
      }),
    ]);
  });

  it('TESTMODE token sets TestMode', async () => {
    const { handler } = testHandler();
    await handler(changeEvent(notificationItem(), { resultToken: 'TESTMODE' }), lambdaContext());
    expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: 'TESTMODE',
      TestMode: true,
    });
  });

  it('a failed EC2 lookup fails the invocation loudly and reports nothing', async () => {
    ec2Mock
      .on(DescribeRouteTablesCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    const { handler, logs } = testHandler();
    await expect(handler(changeEvent(notificationItem()), lambdaContext())).rejects.toThrow(
      /route tables of vpc-.*UnauthorizedOperation/,
    );
    expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(logs.error).toHaveBeenCalledWith('Evaluation failed', expect.any(Error));
  });

  it('an unknown subnet fails loudly', async () => {
    ec2Mock.on(DescribeSubnetsCommand).rejects(
      Object.assign(new Error("The subnet ID 'subnet-0a1b2c3d4e5f60718' does not exist"), {
        name: 'InvalidSubnetID.NotFound',
      }),
    );
    const { handler } = testHandler();
    await expect(handler(changeEvent(notificationItem()), lambdaContext())).rejects.toThrow(
      'InvalidSubnetID.NotFound',
    );
    expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it.each([
    [{ SubnetIds: 'subnet-bad' }, 'Invalid rule parameter SubnetIds'],
    [{ RequirePrivateSubnets: 'true' }, 'Invalid rule parameter RequirePrivateSubnets'],
    [{ ForbidOpenIngress: 'maybe' }, 'Invalid rule parameter ForbidOpenIngress'],
  ])('a bad parameter %j throws naming it, before any call', async (ruleParameters, message) => {
    const { handler } = testHandler();
    await expect(
      handler(changeEvent(notificationItem(), { ruleParameters }), lambdaContext()),
    ).rejects.toThrow(message);
    expect(configMock.calls()).toHaveLength(0);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it.each([
    [{ hello: 'world' }, 'MalformedEventError'],
    [
      { ...changeEvent(notificationItem()), invokingEvent: '{"messageType":"Unknown"}' },
      'MalformedEventError',
    ],
    [
      changeEvent(notificationItem({ configuration: { DirectInternetAccess: 'Sometimes' } })),
      'MalformedNotebookError',
    ],
  ])('a malformed event or CI throws a named error and reports nothing (%#)', async (event, name) => {
    const { handler } = testHandler();
    await expect(handler(event, lambdaContext())).rejects.toMatchObject({ name });
    expect(configMock.calls()).toHaveLength(0);
  });
});

describe('handler: OversizedConfigurationItemChangeNotification', () => {
  it('fetches the CI with GetResourceConfigHistory and evaluates it like any other', async () => {
    configMock.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [apiItem({ configuration: { DirectInternetAccess: 'Enabled' } })],
    });
    const { handler } = testHandler();
    await handler(oversizedEvent(notificationItem()), lambdaContext());
    expect(configMock).toHaveReceivedCommandWith(GetResourceConfigHistoryCommand, {
      resourceType: 'AWS::SageMaker::NotebookInstance' as ResourceType,
      resourceId: 'Fraud-Model-Dev',
      laterTime: CAPTURE_TIME,
      limit: 1,
    });
    expect(putEvaluationsSent()).toEqual([
      {
        ...RESOURCE,
        ComplianceType: 'NON_COMPLIANT',
        OrderingTimestamp: CAPTURE_TIME,
        Annotation: 'Direct internet access enabled',
      },
    ]);
  });

  it('a deleted item in the history is NOT_APPLICABLE', async () => {
    configMock.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        apiItem({ top: { configurationItemStatus: 'ResourceDeleted', configuration: undefined } }),
      ],
    });
    const { handler } = testHandler();
    await handler(oversizedEvent(notificationItem()), lambdaContext());
    expect(putEvaluationsSent()).toEqual([expect.objectContaining({ ComplianceType: 'NOT_APPLICABLE' })]);
  });

  it('a deleted summary needs no fetch', async () => {
    const { handler } = testHandler();
    await handler(
      oversizedEvent(notificationItem({ top: { configurationItemStatus: 'ResourceDeleted' } })),
      lambdaContext(),
    );
    expect(configMock).not.toHaveReceivedCommand(GetResourceConfigHistoryCommand);
    expect(putEvaluationsSent()).toEqual([expect.objectContaining({ ComplianceType: 'NOT_APPLICABLE' })]);
  });

  it('an empty history fails loudly', async () => {
    configMock.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [] });
    const { handler } = testHandler();
    await expect(handler(oversizedEvent(notificationItem()), lambdaContext())).rejects.toThrow(
      'returned no item',
    );
    expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('if Config rejects the resource type, reads the notebook from SageMaker instead (unconfirmed AWS behaviour)', async () => {
    configMock.on(GetResourceConfigHistoryCommand).rejects(
      Object.assign(new Error('1 validation error detected: resourceType'), {
        name: 'ValidationException',
      }),
    );
    sagemakerMock
      .on(DescribeNotebookInstanceCommand)
      .resolves(describeOutput({ DirectInternetAccess: 'Enabled' }));
    // Its tags too, as Config's item would have them: here they say Terraform owns it.
    sagemakerMock.on(ListTagsCommand).resolves({ Tags: [{ Key: 'Terraform', Value: 'true' }] });
    const { handler, logs } = testHandler();
    await handler(oversizedEvent(notificationItem()), lambdaContext());
    expect(sagemakerMock).toHaveReceivedCommandWith(DescribeNotebookInstanceCommand, {
      NotebookInstanceName: 'Fraud-Model-Dev',
    });
    expect(putEvaluationsSent()).toEqual([
      expect.objectContaining({
        ...RESOURCE,
        ComplianceType: 'NON_COMPLIANT',
        Annotation: 'Direct internet access enabled; managed by Terraform (tag Terraform=true): fix the code',
      }),
    ]);
    expect(logs.warn).toHaveBeenCalledWith(
      expect.stringContaining('reading it from SageMaker'),
      expect.anything(),
    );
  });

  it('any other history failure (access denied) fails loudly, without a fallback', async () => {
    configMock
      .on(GetResourceConfigHistoryCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    const { handler } = testHandler();
    await expect(handler(oversizedEvent(notificationItem()), lambdaContext())).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(sagemakerMock.calls()).toHaveLength(0);
  });
});
