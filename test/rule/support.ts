/** Shared set-up for handler tests: mocked SDK clients, a handler wired to them, and log capture. */
import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { AccountSessions } from '../../rule/clients';
import { createHandler } from '../../rule/config/handler';
import { filterValues } from '../fixtures/ec2-filters';

export const SUBNET = 'subnet-0a1b2c3d4e5f60718';
export const VPC = 'vpc-0aa11bb22cc33dd44';

export const configMock = mockClient(ConfigServiceClient);
export const sagemakerMock = mockClient(SageMakerClient);
export const ec2Mock = mockClient(EC2Client);
export const securityHubMock = mockClient(SecurityHubClient);

/** A private subnet in VPC: explicit route table with a NAT default route; tight security groups. */
export function mockPrivateNetwork(): void {
  ec2Mock.on(DescribeSubnetsCommand).callsFake((input) => ({
    Subnets: filterValues(input, 'subnet-id').map((SubnetId) => ({ SubnetId, VpcId: VPC })),
  }));
  ec2Mock.on(DescribeRouteTablesCommand).resolves({
    RouteTables: [
      {
        RouteTableId: 'rtb-0123456789abcdef0',
        VpcId: VPC,
        Associations: [{ Main: true }],
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0123456789abcdef0' }],
      },
    ],
  });
  ec2Mock.on(DescribeSecurityGroupsCommand).callsFake((input) => ({
    SecurityGroups: filterValues(input, 'group-id').map((GroupId) => ({
      GroupId,
      VpcId: VPC,
      IpPermissions: [],
    })),
  }));
}

export function resetMocks(): void {
  configMock.reset();
  sagemakerMock.reset();
  ec2Mock.reset();
  securityHubMock.reset();
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  securityHubMock
    .on(BatchImportFindingsCommand)
    .resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
  mockPrivateNetwork();
}

export interface TestHandlerOptions {
  readonly memberAccountRoleName?: string;
  readonly sweepConcurrency?: number;
  /** SECURITY_HUB_FINDINGS=import */
  readonly securityHub?: boolean;
}

/** A fresh handler per test: sessions (and so the EC2 cache) are not shared between tests. */
export function testHandler(options: TestHandlerOptions = {}) {
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const warn = vi.spyOn(logger, 'warn');
  const info = vi.spyOn(logger, 'info');
  const debug = vi.spyOn(logger, 'debug');
  const error = vi.spyOn(logger, 'error');
  const sessions = new AccountSessions({
    region: 'ap-northeast-1',
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    maxAttempts: 1,
    ...(options.memberAccountRoleName && { memberAccountRoleName: options.memberAccountRoleName }),
    ...(options.securityHub && { securityHub: true }),
  });
  const handler = createHandler({
    sessions,
    logger,
    ...(options.sweepConcurrency && { sweepConcurrency: options.sweepConcurrency }),
  });
  return { handler, sessions, logs: { warn, info, debug, error } };
}

/** Every evaluation sent to PutEvaluations, in order, across calls. */
export function putEvaluationsSent() {
  return configMock
    .commandCalls(PutEvaluationsCommand)
    .flatMap((call) => call.args[0].input.Evaluations ?? []);
}
