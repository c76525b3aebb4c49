/** The offline Security Hub, through the real SDK client: what it accepts, refuses and keeps. */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { createOfflineAws } from '../../offline/index';
import { notebooksOnly } from './clients';

const ACCOUNT = '111122223333';
const REGION = 'ap-northeast-1';

function hub() {
  const offline = createOfflineAws(notebooksOnly(0));
  const client = new SecurityHubClient({ ...offline.clientConfig, maxAttempts: 1 });
  const importFindings = (findings: AwsSecurityFinding[]) =>
    client.send(new BatchImportFindingsCommand({ Findings: findings }));
  return { offline, importFindings };
}

function finding(overrides: Partial<AwsSecurityFinding> = {}): AwsSecurityFinding {
  return {
    SchemaVersion: '2018-10-08',
    Id: 'finding-1',
    ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
    GeneratorId: 'sagemaker-notebook-vpc-guard',
    AwsAccountId: ACCOUNT,
    Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    CreatedAt: '2026-10-01T02:00:00.000Z',
    UpdatedAt: '2026-11-28T00:00:00.000Z',
    Severity: { Label: 'HIGH' },
    Title: 'A title',
    Description: 'A description',
    Resources: [{ Type: 'AwsSageMakerNotebookInstance', Id: 'arn:aws:sagemaker:x', Partition: 'aws' }],
    ...overrides,
  };
}

describe('offline BatchImportFindings', () => {
  it('stores a valid finding and answers with the counts', async () => {
    const { offline, importFindings } = hub();
    expect(await importFindings([finding()])).toMatchObject({
      SuccessCount: 1,
      FailedCount: 0,
      FailedFindings: [],
    });
    expect(offline.state.securityHub.finding('finding-1')).toMatchObject({ Title: 'A title' });
    expect(offline.requests.ofOperation('BatchImportFindings')).toHaveLength(1);
  });

  it.each([
    ['no Title', { Title: undefined }],
    ['another account', { AwsAccountId: '444455556666' }],
    ['another product', { ProductArn: 'arn:aws:securityhub:ap-northeast-1::product/aws/config' }],
    ['a timestamp without a zone', { UpdatedAt: '2026-11-28T00:00:00' }],
    ['no Types', { Types: [] }],
    ['a Description over 1,024', { Description: 'x'.repeat(1025) }],
    ['no resources', { Resources: [] }],
    ['an unknown compliance status', { Compliance: { Status: 'BROKEN' as 'FAILED' } }],
  ])(
    'returns a finding with %s in FailedFindings (InvalidInput) and imports the others',
    async (_, overrides) => {
      const { offline, importFindings } = hub();
      const answer = await importFindings([finding({ ...overrides, Id: 'bad' }), finding({ Id: 'good' })]);
      expect(answer.FailedFindings).toEqual([
        expect.objectContaining({ Id: 'bad', ErrorCode: 'InvalidInput' }),
      ]);
      expect(offline.state.securityHub.findings().map((stored) => stored.Id)).toEqual(['good']);
    },
  );

  it('refuses a call of more than 100 findings as a whole', async () => {
    const { importFindings } = hub();
    const many = Array.from({ length: 101 }, (_, index) => finding({ Id: `f-${index}` }));
    await expect(importFindings(many)).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('applies an update only when its UpdatedAt is later than the stored one', async () => {
    const { offline, importFindings } = hub();
    await importFindings([finding({ Description: 'first' })]);
    await importFindings([finding({ Description: 'same time' })]);
    await importFindings([finding({ Description: 'later', UpdatedAt: '2026-11-29T00:00:00.000Z' })]);
    expect(offline.state.securityHub.imports.map((entry) => entry.outcome)).toEqual([
      'stored',
      'stale',
      'stored',
    ]);
    expect(offline.state.securityHub.finding('finding-1')).toMatchObject({ Description: 'later' });
  });

  it('not enabled: every finding back with InvalidAccess, or the whole call refused, as the state says', async () => {
    const { offline, importFindings } = hub();
    offline.state.securityHub.enabled = false;
    expect((await importFindings([finding()])).FailedFindings).toEqual([
      expect.objectContaining({ Id: 'finding-1', ErrorCode: 'InvalidAccess' }),
    ]);
    offline.state.securityHub.disabledAnswer = 'exception';
    await expect(importFindings([finding()])).rejects.toMatchObject({
      name: 'InvalidAccessException',
      $metadata: { httpStatusCode: 401 },
    });
    expect(offline.state.securityHub.findings()).toEqual([]);
  });
});
