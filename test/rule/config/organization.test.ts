import { PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { BatchImportFindingsCommand } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AccountMismatchError } from '../../../rule/clients';
import { dependenciesFromEnvironment } from '../../../rule/config/handler';
import {
  ACCOUNT_ID,
  changeEvent,
  lambdaContext,
  notificationItem,
  OTHER_ACCOUNT_ID,
} from '../../fixtures/events';
import { configMock, resetMocks, securityHubMock, testHandler } from '../support';

const stsMock = mockClient(STSClient);
const memberCredentials = {
  AccessKeyId: 'ASIAMEMBER',
  SecretAccessKey: 'member-secret',
  SessionToken: 'token',
  Expiration: new Date(Date.now() + 3_600_000),
};

beforeEach(() => {
  resetMocks();
  stsMock.reset();
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: memberCredentials });
});

/** The credentials of the client instance that sent a call. */
async function credentialsOf(call: { thisValue: unknown } | undefined) {
  const client = call?.thisValue as
    | { config: { credentials: () => Promise<{ accessKeyId: string }> } }
    | undefined;
  if (!client) throw new Error('the call was not sent');
  return client.config.credentials();
}

const credentialsUsedForPutEvaluations = () =>
  credentialsOf(configMock.commandCalls(PutEvaluationsCommand)[0]);

describe('organization mode: evaluations go to the account named by the event', () => {
  it('an event for a member account is evaluated and reported with that account’s role', async () => {
    const { handler } = testHandler({ memberAccountRoleName: 'SageMakerNotebookVpcGuardMember' });
    const item = notificationItem({ top: { awsAccountId: OTHER_ACCOUNT_ID } });
    await handler(changeEvent(item, { accountId: OTHER_ACCOUNT_ID }), lambdaContext());
    expect(await credentialsUsedForPutEvaluations()).toMatchObject({ accessKeyId: 'ASIAMEMBER' });
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${OTHER_ACCOUNT_ID}:role/SageMakerNotebookVpcGuardMember`,
      RoleSessionName: 'sagemaker-notebook-vpc-guard',
    });
  });

  it('a member account’s finding is imported there, through that account’s role, in its name', async () => {
    const { handler } = testHandler({
      memberAccountRoleName: 'SageMakerNotebookVpcGuardMember',
      securityHub: true,
    });
    const item = notificationItem({
      top: { awsAccountId: OTHER_ACCOUNT_ID, configurationItemStatus: 'ResourceDeleted' },
    });
    await handler(changeEvent(item, { accountId: OTHER_ACCOUNT_ID }), lambdaContext());
    const [call] = securityHubMock.commandCalls(BatchImportFindingsCommand);
    expect(await credentialsOf(call)).toMatchObject({ accessKeyId: 'ASIAMEMBER' });
    expect(call?.args[0].input.Findings).toEqual([
      expect.objectContaining({
        AwsAccountId: OTHER_ACCOUNT_ID,
        ProductArn: `arn:aws:securityhub:ap-northeast-1:${OTHER_ACCOUNT_ID}:product/${OTHER_ACCOUNT_ID}/default`,
      }),
    ]);
  });

  it('an event for the Lambda’s own account uses its own credentials, assuming nothing', async () => {
    const { handler } = testHandler({ memberAccountRoleName: 'SageMakerNotebookVpcGuardMember' });
    await handler(changeEvent(notificationItem(), { accountId: ACCOUNT_ID }), lambdaContext());
    expect(await credentialsUsedForPutEvaluations()).toMatchObject({ accessKeyId: 'AKIDEXAMPLE' });
    expect(stsMock.calls()).toHaveLength(0);
  });

  it('refuses an event for another account when no member role is configured (never reports into its own)', async () => {
    const { handler } = testHandler();
    const event = changeEvent(notificationItem(), { accountId: OTHER_ACCOUNT_ID });
    await expect(handler(event, lambdaContext())).rejects.toThrow(AccountMismatchError);
    expect(configMock.calls()).toHaveLength(0);
  });

  it('keeps one session per account across invocations (clients and caches reused when warm)', async () => {
    const { sessions } = testHandler({ memberAccountRoleName: 'Member' });
    const own = { accountId: ACCOUNT_ID, partition: 'aws' };
    expect(sessions.forAccount(OTHER_ACCOUNT_ID, own)).toBe(sessions.forAccount(OTHER_ACCOUNT_ID, own));
    expect(sessions.forAccount(OTHER_ACCOUNT_ID, own)).not.toBe(sessions.forAccount(ACCOUNT_ID, own));
  });

  it('rejects a context without a Lambda function ARN', async () => {
    const { handler } = testHandler();
    await expect(handler(changeEvent(notificationItem()), lambdaContext(1000, 'not-an-arn'))).rejects.toThrow(
      'context.invokedFunctionArn is not a Lambda function ARN',
    );
  });
});

describe('dependenciesFromEnvironment', () => {
  it('reads the member role and the sweep concurrency', () => {
    const dependencies = dependenciesFromEnvironment({
      MEMBER_ACCOUNT_ROLE_NAME: 'Member',
      SWEEP_CONCURRENCY: '32',
    });
    expect(dependencies.sweepConcurrency).toBe(32);
    expect(() =>
      dependencies.sessions.forAccount(OTHER_ACCOUNT_ID, { accountId: ACCOUNT_ID, partition: 'aws' }),
    ).not.toThrow();
  });

  it('without a member role, another account is refused', () => {
    const { sessions } = dependenciesFromEnvironment({});
    expect(() => sessions.forAccount(OTHER_ACCOUNT_ID, { accountId: ACCOUNT_ID, partition: 'aws' })).toThrow(
      AccountMismatchError,
    );
  });

  it.each(['0', '65', '1.5', 'lots', ''])('rejects SWEEP_CONCURRENCY=%j at start', (value) => {
    expect(() => dependenciesFromEnvironment({ SWEEP_CONCURRENCY: value })).toThrow(
      'SWEEP_CONCURRENCY must be',
    );
  });
});
