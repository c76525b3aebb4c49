/**
 * The handler with SECURITY_HUB_FINDINGS: the setting read at start, findings imported after Config has its
 * evaluations (only those Config accepted), none in test mode or when off. Real SDK clients against the
 * in-process fake.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { createOfflineAws } from '../../../offline/index';
import { findingId } from '../../../rule/asff/finding';
import { AccountSessions } from '../../../rule/clients';
import {
  createHandler,
  dependenciesFromEnvironment,
  InvalidContextError,
} from '../../../rule/config/handler';
import { EvaluationDeliveryError } from '../../../rule/config/report';
import { loadExampleAccount } from '../../../rule/examples/index';
import {
  ACCOUNT_ID,
  changeEvent,
  lambdaContext,
  notificationItem,
  scheduledEvent,
} from '../../fixtures/events';

const RULE = 'sagemaker-notebook-vpc-guard';
const arnOf = (name: string) =>
  `arn:aws:sagemaker:ap-northeast-1:${ACCOUNT_ID}:notebook-instance/${name.toLowerCase()}`;

/** A notebook of the example account without a subnet: no EC2 lookup needed. */
function quickPrototype() {
  return notificationItem({
    configuration: {
      NotebookInstanceName: 'quick-prototype',
      SubnetId: undefined,
      DirectInternetAccess: 'Enabled',
    },
    top: { resourceId: 'quick-prototype', resourceName: 'quick-prototype', ARN: arnOf('quick-prototype') },
  });
}

function run(findings: 'import' | 'off') {
  const inventory = loadExampleAccount();
  const offline = createOfflineAws(inventory);
  const logger = new Logger({ logLevel: 'SILENT' });
  const warn = vi.spyOn(logger, 'warn');
  const handler = createHandler({
    sessions: new AccountSessions({ ...offline.clientConfig, securityHub: findings === 'import' }),
    logger,
  });
  return { inventory, offline, handler, warn };
}

describe('SECURITY_HUB_FINDINGS', () => {
  it('import creates a Security Hub client; off or absent creates none', () => {
    const own = { accountId: ACCOUNT_ID, partition: 'aws' };
    const clientsFor = (env: NodeJS.ProcessEnv) =>
      dependenciesFromEnvironment(env).sessions.forAccount(ACCOUNT_ID, own).clients;
    expect(clientsFor({ SECURITY_HUB_FINDINGS: 'import' }).securityHub).toBeDefined();
    expect(clientsFor({ SECURITY_HUB_FINDINGS: 'off' }).securityHub).toBeUndefined();
    expect(clientsFor({}).securityHub).toBeUndefined();
  });

  it.each(['IMPORT', 'on', 'true', '', 'import '])('rejects %j at start, loudly', (value) => {
    expect(() => dependenciesFromEnvironment({ SECURITY_HUB_FINDINGS: value })).toThrow(InvalidContextError);
    expect(() => dependenciesFromEnvironment({ SECURITY_HUB_FINDINGS: value })).toThrow(
      `SECURITY_HUB_FINDINGS must be import or off, got ${value}`,
    );
  });
});

describe('handler with findings imported', () => {
  it('a change event: one finding, imported after PutEvaluations, in the evaluated account and region', async () => {
    const { offline, handler } = run('import');
    await handler(changeEvent(quickPrototype()), lambdaContext());
    const order = offline.requests.entries.map((entry) => entry.operation);
    expect(order).toEqual(['PutEvaluations', 'BatchImportFindings']);
    expect(offline.state.securityHub.finding(findingId(RULE, arnOf('quick-prototype')))).toMatchObject({
      AwsAccountId: ACCOUNT_ID,
      ProductArn: `arn:aws:securityhub:ap-northeast-1:${ACCOUNT_ID}:product/${ACCOUNT_ID}/default`,
      GeneratorId: RULE,
      Compliance: { Status: 'FAILED' },
      Severity: { Label: 'HIGH' },
      CreatedAt: '2026-10-01T02:00:00.000Z',
      LastObservedAt: '2026-11-20T08:15:30.123Z',
      Description: 'Runs in the SageMaker service VPC (no subnet); Direct internet access enabled',
    });
  });

  it('a deleted notebook’s item archives its finding, named by the item’s ARN', async () => {
    const { offline, handler } = run('import');
    const item = notificationItem({
      top: { configurationItemStatus: 'ResourceDeleted', configuration: null },
    });
    await handler(changeEvent(item), lambdaContext());
    expect(offline.state.securityHub.finding(findingId(RULE, arnOf('fraud-model-dev')))).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'NOT_AVAILABLE' },
      Resources: [{ Id: arnOf('fraud-model-dev') }],
    });
  });

  it('a sweep imports a finding for every notebook evaluated and archives the vanished one', async () => {
    const { inventory, offline, handler } = run('import');
    await handler(scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }), lambdaContext());
    const findings = offline.state.securityHub.findings();
    expect(findings).toHaveLength(offline.state.storedEvaluations().length);
    const archived = findings.filter((finding) => finding.RecordState === 'ARCHIVED');
    expect(archived.map((finding) => (finding.Resources as { Id: string }[])[0]?.Id).sort()).toEqual(
      [arnOf('hr-attrition-model'), arnOf('old-poc-notebook')].sort(),
    );
  });

  it('imports only what Config accepted, then fails with Config’s error', async () => {
    const { inventory, offline, handler } = run('import');
    const stubborn = arnOf('churn-analysis');
    offline.state.failEvaluationsFor(stubborn);
    const result = handler(
      scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }),
      lambdaContext(),
    );
    await expect(result).rejects.toThrow(EvaluationDeliveryError);
    expect(offline.state.securityHub.finding(findingId(RULE, stubborn))).toBeUndefined();
    expect(offline.state.securityHub.findings()).toHaveLength(offline.state.storedEvaluations().length);
  });

  it('a test-mode run (TESTMODE token) imports nothing', async () => {
    const { offline, handler } = run('import');
    await handler(changeEvent(quickPrototype(), { resultToken: 'TESTMODE' }), lambdaContext());
    expect(offline.requests.count('BatchImportFindings')).toBe(0);
  });

  it('Security Hub not enabled: the invocation succeeds with one warning', async () => {
    const { inventory, offline, handler, warn } = run('import');
    offline.state.securityHub.enabled = false;
    await handler(scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }), lambdaContext());
    expect(warn.mock.calls.filter(([message]) => String(message).startsWith('Security Hub'))).toHaveLength(1);
    expect(offline.state.storedEvaluations().length).toBeGreaterThan(0);
  });

  it('off: no Security Hub call at all', async () => {
    const { inventory, offline, handler } = run('off');
    await handler(scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} }), lambdaContext());
    await handler(changeEvent(quickPrototype()), lambdaContext());
    expect(offline.requests.entries.filter((entry) => entry.service === 'securityhub')).toEqual([]);
  });
});
