/** The hook handler with mocked EC2: H-numbers as in rule/hook/decide.ts. */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { AccountSessions } from '../../../rule/clients';
import { createHookHandler, dependenciesFromEnvironment } from '../../../rule/hook/handler';
import { DEFAULT_PARAMETERS, type RuleParameters } from '../../../rule/parameters';
import { HOOK_ACCOUNT, hookRequest } from '../../fixtures/hook';
import { ec2Mock, resetMocks, SUBNET, VPC } from '../support';

const FUNCTION_ARN = `arn:aws:lambda:ap-northeast-1:${HOOK_ACCOUNT}:function:sagemaker-notebook-vpc-guard-hook`;
const context = { invokedFunctionArn: FUNCTION_ARN, getRemainingTimeInMillis: () => 30_000 };
const TOKEN = '4b90a7e4-b790-456b-a937-0cfdfa211dfe';
const inVpc = {
  NotebookInstanceName: 'fraud-model-dev',
  InstanceType: 'ml.t3.medium',
  RoleArn: 'arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-ml',
  SubnetId: SUBNET,
  SecurityGroupIds: ['sg-0123456789abcdef0'],
  DirectInternetAccess: 'Disabled',
};

function hookHandler(parameters: RuleParameters = DEFAULT_PARAMETERS, options: { memberRole?: string } = {}) {
  const sessions = new AccountSessions({
    region: 'ap-northeast-1',
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    maxAttempts: 1,
    ...(options.memberRole && { memberAccountRoleName: options.memberRole }),
  });
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  return createHookHandler({ sessions, parameters: () => parameters, logger });
}

beforeEach(resetMocks);

describe('CloudFormation hook handler', () => {
  it('H1: any other resource type is SUCCESS, with no lookup', async () => {
    const answer = await hookHandler()(
      hookRequest({ BucketName: 'x' }, { targetName: 'AWS::S3::Bucket' }),
      context,
    );
    expect(answer).toEqual({
      hookStatus: 'SUCCESS',
      message: 'Not evaluated: AWS::S3::Bucket is not a notebook instance',
      clientRequestToken: TOKEN,
    });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('H2: a delete is SUCCESS (nothing is placed)', async () => {
    const answer = await hookHandler()(
      hookRequest(undefined, { point: 'DELETE_PRE_PROVISION', previous: {} }),
      context,
    );
    expect(answer.hookStatus).toBe('SUCCESS');
  });

  it('H3: a notebook in a private subnet with direct internet access disabled is SUCCESS', async () => {
    expect(await hookHandler()(hookRequest(inVpc), context)).toEqual({
      hookStatus: 'SUCCESS',
      message: 'COMPLIANT',
      clientRequestToken: TOKEN,
    });
  });

  it('H5: no subnet is FAILED / NonCompliant with the rule’s annotation as the message', async () => {
    const { SubnetId: _subnet, SecurityGroupIds: _groups, DirectInternetAccess: _dia, ...serviceVpc } = inVpc;
    expect(await hookHandler()(hookRequest(serviceVpc), context)).toEqual({
      hookStatus: 'FAILED',
      errorCode: 'NonCompliant',
      message: 'Runs in the SageMaker service VPC (no subnet); Direct internet access enabled',
      clientRequestToken: TOKEN,
    });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('H5: an update is judged on its proposed properties, not the previous ones', async () => {
    const request = hookRequest(
      { ...inVpc, DirectInternetAccess: 'Enabled' },
      { point: 'UPDATE_PRE_PROVISION', previous: inVpc },
    );
    expect(await hookHandler()(request, context)).toMatchObject({
      hookStatus: 'FAILED',
      errorCode: 'NonCompliant',
      message: 'Direct internet access enabled',
    });
  });

  it('H5: the network checks use live EC2 facts (public route, unapproved VPC, open ingress)', async () => {
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
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        { GroupId: 'sg-0123456789abcdef0', IpPermissions: [{ IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
      ],
    });
    const strict = { ...DEFAULT_PARAMETERS, vpcIds: ['vpc-0ee55ff66aa77bb88'], forbidOpenIngress: true };
    expect((await hookHandler(strict)(hookRequest(inVpc), context)).message).toBe(
      `VPC ${VPC} not approved; Public subnet: rtb-0123456789abcdef0 routes 0.0.0.0/0 to igw-0123456789abcdef0; ` +
        'Open ingress: sg-0123456789abcdef0 from 0.0.0.0/0',
    );
  });

  it('H4: an exempt notebook is SUCCESS with the exemption as the message', async () => {
    const tagged = { ...inVpc, SubnetId: undefined, Tags: [{ Key: 'vpc-guard:exempt', Value: 'ticket-42' }] };
    const answer = await hookHandler({ ...DEFAULT_PARAMETERS, exemptionTagKey: 'vpc-guard:exempt' })(
      hookRequest(tagged),
      context,
    );
    expect(answer).toMatchObject({ hookStatus: 'SUCCESS', message: 'Exempt: tagged vpc-guard:exempt' });
  });

  it('H6: a subnet EC2 does not know is FAILED / InternalFailure, never SUCCESS', async () => {
    ec2Mock.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
    expect(await hookHandler()(hookRequest(inVpc), context)).toEqual({
      hookStatus: 'FAILED',
      errorCode: 'InternalFailure',
      message: `Could not evaluate: NetworkLookupError: subnet ${SUBNET} not found`,
      clientRequestToken: TOKEN,
    });
  });

  it('H6: an EC2 error (access denied) is InternalFailure naming the lookup', async () => {
    ec2Mock
      .on(DescribeSubnetsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    const answer = await hookHandler()(hookRequest(inVpc), context);
    expect(answer).toMatchObject({ hookStatus: 'FAILED', errorCode: 'InternalFailure' });
    expect(answer.message).toContain(
      `EC2 lookup of subnet ${SUBNET} failed (UnauthorizedOperation: not authorized)`,
    );
  });

  it('H6: lookups that outlast the hook’s time are answered InternalFailure before CloudFormation gives up', async () => {
    ec2Mock.on(DescribeSubnetsCommand).callsFake(() => new Promise(() => {}));
    const shortContext = { ...context, getRemainingTimeInMillis: () => 2_050 };
    const answer = await hookHandler()(hookRequest(inVpc), shortContext);
    expect(answer).toMatchObject({ hookStatus: 'FAILED', errorCode: 'InternalFailure' });
    expect(answer.message).toMatch(/HookDeadlineError: EC2 lookups did not finish within \d+ ms/);
  });

  it.each([
    ['no requestData', { awsAccountId: HOOK_ACCOUNT, actionInvocationPoint: 'CREATE_PRE_PROVISION' }],
    ['a bad invocation point', { ...hookRequest(inVpc), actionInvocationPoint: 'CREATE_POST_PROVISION' }],
    ['an account id that is not one', { ...hookRequest(inVpc), awsAccountId: 'me' }],
    ['properties that are not an object', hookRequest(undefined)],
    ['a SubnetId that is not a string', hookRequest({ ...inVpc, SubnetId: ['subnet-1'] })],
    ['Tags that are not {Key, Value}', hookRequest({ ...inVpc, Tags: { team: 'ml' } })],
    ['an unknown DirectInternetAccess', hookRequest({ ...inVpc, DirectInternetAccess: 'Sometimes' })],
  ])('H6: a malformed request (%s) is InternalFailure with the reason', async (_case, request) => {
    const answer = await hookHandler()(request, context);
    expect(answer).toMatchObject({ hookStatus: 'FAILED', errorCode: 'InternalFailure' });
    expect(answer.message).toMatch(
      /^Could not evaluate: (MalformedHookRequestError|MalformedNotebookError): /,
    );
  });

  it('H6: invalid RULE_PARAMETERS are answered InternalFailure on every invocation, naming the parameter', async () => {
    const dependencies = dependenciesFromEnvironment({
      RULE_PARAMETERS: '{"SubnetIDs":"subnet-0123456789abcdef0"}',
    });
    const handler = createHookHandler({ ...dependencies, logger: new Logger({ logLevel: 'SILENT' }) });
    for (let i = 0; i < 2; i++) {
      const answer = await handler(hookRequest(inVpc), context);
      expect(answer).toMatchObject({ hookStatus: 'FAILED', errorCode: 'InternalFailure' });
      expect(answer.message).toContain('Invalid rule parameter SubnetIDs: unknown parameter');
    }
  });

  it('echoes the token under either spelling the guide uses, and omits it when the request has none', async () => {
    const lowercase = { ...hookRequest(inVpc, { token: null }), clientRequesttoken: 'abc' };
    expect((await hookHandler()(lowercase, context)).clientRequestToken).toBe('abc');
    expect(await hookHandler()(hookRequest(inVpc, { token: null }), context)).not.toHaveProperty(
      'clientRequestToken',
    );
    expect((await hookHandler()({ clientRequestToken: 'broken' }, context)).clientRequestToken).toBe(
      'broken',
    );
  });

  it('judges Cloud Control API requests by targetName (their targetType is RESOURCE) and cuts messages to 1,024', async () => {
    const groups = Array.from({ length: 5 }, (_, i) => `sg-0${String(i).repeat(16)}`);
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: groups.map((GroupId) => ({
        GroupId,
        IpPermissions: [
          {
            IpRanges: Array.from({ length: 30 }, () => ({ CidrIp: '0.0.0.0/0' })),
            Ipv6Ranges: [{ CidrIpv6: '::/0' }],
          },
        ],
      })),
    });
    const answer = await hookHandler({
      ...DEFAULT_PARAMETERS,
      forbidOpenIngress: true,
      subnetIds: ['subnet-0b2c3d4e5f6071829'],
    })(
      hookRequest(
        { ...inVpc, SecurityGroupIds: groups, DirectInternetAccess: 'Enabled' },
        { cloudControl: true },
      ),
      context,
    );
    expect(answer).toMatchObject({ hookStatus: 'FAILED', errorCode: 'NonCompliant' });
    expect(answer.message.length).toBeLessThanOrEqual(1024);
    expect(answer.message).toContain('Direct internet access enabled');
  });

  it('a warm hook answers from its cache: the same subnet is looked up once', async () => {
    const handler = hookHandler();
    await handler(hookRequest(inVpc), context);
    await handler(hookRequest({ ...inVpc, NotebookInstanceName: 'other' }), context);
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeRouteTablesCommand)).toHaveLength(1);
  });

  it('refuses a request for another account unless a member role is configured (organization mode)', async () => {
    const answer = await hookHandler()(hookRequest(inVpc, { accountId: '444455556666' }), context);
    expect(answer).toMatchObject({ hookStatus: 'FAILED', errorCode: 'InternalFailure' });
    expect(answer.message).toContain('AccountMismatchError');
  });
});
