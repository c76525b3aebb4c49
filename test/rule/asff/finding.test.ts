/**
 * The ASFF mapping: every pinned field, the status/record-state/severity table, a stable Id whichever way the
 * notebook was learned about, and times that do not move for the same notebook.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FINDING_TYPES,
  type FindingContext,
  findingId,
  REMEDIATION_URL,
  toFinding,
} from '../../../rule/asff/finding';
import { CHECK_SEVERITY, severityOf } from '../../../rule/asff/severity';
import type { CheckId } from '../../../rule/checks';
import type { ResourceEvaluation } from '../../../rule/config/report';
import type { Notebook } from '../../../rule/notebook';

const ACCOUNT = '444455556666';
const REGION = 'eu-west-1';
const RULE = 'sagemaker-notebook-vpc-guard-conformance-pack-abcd1234';
const ARN = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:notebook-instance/fraud-model-dev`;
const CREATED = new Date('2026-10-01T02:00:00.000Z');
const OBSERVED = new Date('2026-11-28T00:00:00.000Z');
const DELIVERED = new Date('2026-11-28T00:03:12.345Z');
const context: FindingContext = {
  partition: 'aws',
  region: REGION,
  accountId: ACCOUNT,
  configRuleName: RULE,
  deliveredAt: DELIVERED,
};
const notebook: Notebook = {
  name: 'Fraud-Model-Dev',
  arn: ARN,
  createdAt: CREATED,
  subnetId: 'subnet-0a1b2c3d4e5f60718',
  securityGroupIds: ['sg-0123456789abcdef0'],
  directInternetAccess: 'Enabled',
  tags: {},
};
const failed: ResourceEvaluation = {
  compliance: 'NON_COMPLIANT',
  annotation: 'Direct internet access enabled',
  failedChecks: ['S5'],
  resourceType: 'AWS::SageMaker::NotebookInstance',
  resourceId: 'Fraud-Model-Dev',
  orderingTimestamp: OBSERVED,
  notebook,
};

function finding(evaluation: ResourceEvaluation, at: FindingContext = context) {
  const result = toFinding(evaluation, at);
  if (!result) throw new Error('no finding');
  return result;
}

describe('toFinding', () => {
  it('writes every pinned field for a failed notebook', () => {
    expect(finding(failed)).toEqual({
      SchemaVersion: '2018-10-08',
      Id: `sagemaker-notebook-vpc-guard/${RULE}/${ARN}`,
      ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
      GeneratorId: RULE,
      AwsAccountId: ACCOUNT,
      Region: REGION,
      Types: ['Software and Configuration Checks/AWS Security Best Practices'],
      CreatedAt: CREATED.toISOString(),
      FirstObservedAt: CREATED.toISOString(),
      LastObservedAt: OBSERVED.toISOString(),
      UpdatedAt: DELIVERED.toISOString(),
      Severity: { Label: 'HIGH' },
      FindingProviderFields: { Severity: { Label: 'HIGH', Original: 'HIGH' }, Types: FINDING_TYPES },
      Title: 'SageMaker notebook instances should run in an approved customer VPC',
      Description: 'Direct internet access enabled',
      Remediation: {
        Recommendation: { Text: expect.stringContaining('Recreate in VPC'), Url: REMEDIATION_URL },
      },
      ProductFields: {
        'sagemaker-notebook-vpc-guard/ConfigRuleName': RULE,
        'sagemaker-notebook-vpc-guard/ComplianceResourceId': 'Fraud-Model-Dev',
        'sagemaker-notebook-vpc-guard/ConfigComplianceType': 'NON_COMPLIANT',
      },
      Resources: [
        {
          Type: 'AwsSageMakerNotebookInstance',
          Id: ARN,
          Partition: 'aws',
          Region: REGION,
          Details: {
            AwsSageMakerNotebookInstance: {
              NotebookInstanceName: 'Fraud-Model-Dev',
              NotebookInstanceArn: ARN,
              SubnetId: 'subnet-0a1b2c3d4e5f60718',
              SecurityGroups: ['sg-0123456789abcdef0'],
              DirectInternetAccess: 'Enabled',
            },
          },
        },
      ],
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
    });
  });

  it.each([
    ['COMPLIANT', 'PASSED', 'ACTIVE', 'INFORMATIONAL', undefined],
    ['NON_COMPLIANT', 'FAILED', 'ACTIVE', 'MEDIUM', ['S7']],
    ['NOT_APPLICABLE', 'NOT_AVAILABLE', 'ARCHIVED', 'INFORMATIONAL', undefined],
  ] as const)(
    '%s → Compliance %s, RecordState %s, severity %s',
    (compliance, status, record, label, checks) => {
      const result = finding({ ...failed, compliance, failedChecks: checks });
      expect(result.Compliance?.Status).toBe(status);
      expect(result.RecordState).toBe(record);
      expect(result.Severity?.Label).toBe(label);
      expect(result.FindingProviderFields?.Severity?.Label).toBe(label);
    },
  );

  it('describes a compliant notebook in words (Config gives no annotation) and cuts a long one at 1,024', () => {
    const { annotation: _, ...compliant } = { ...failed, compliance: 'COMPLIANT' as const };
    expect(finding(compliant).Description).toBe(
      'Runs in an approved customer VPC: every enabled check passed.',
    );
    const long = finding({ ...failed, annotation: `Open ingress: ${'sg-0123456789abcdef0 '.repeat(80)}` });
    expect(long.Description).toHaveLength(1024);
    expect(long.Description).toMatch(/…\(truncated\)$/);
  });

  it('the same notebook gets the same Id from a change event, a sweep and a vanished entry, lowercased', () => {
    const byName = { ...failed, notebook: { ...notebook, arn: undefined } };
    const byArnId = {
      ...failed,
      resourceId: ARN.replace('fraud-model-dev', 'Fraud-Model-Dev'),
      notebook: undefined,
    };
    const vanishedByName = { ...failed, resourceId: 'Fraud-Model-Dev', notebook: undefined };
    const ids = [failed, byName, byArnId, vanishedByName].map((evaluation) => finding(evaluation).Id);
    expect(new Set(ids)).toEqual(new Set([findingId(RULE, ARN)]));
    expect(finding(vanishedByName).Resources?.[0]?.Id).toBe(ARN);
  });

  it('differs per rule, account and region', () => {
    const ids = new Set([
      finding(failed).Id,
      finding(failed, { ...context, configRuleName: 'sagemaker-notebook-vpc-guard' }).Id,
      finding({ ...failed, notebook: { name: notebook.name } }, { ...context, accountId: '111122223333' }).Id,
      finding({ ...failed, notebook: { name: notebook.name } }, { ...context, region: 'us-east-1' }).Id,
    ]);
    expect(ids.size).toBe(4);
  });

  it('keeps CreatedAt/FirstObservedAt on the notebook’s creation across updates; only the later times move', () => {
    const first = finding(failed);
    const later = finding(
      {
        ...failed,
        compliance: 'COMPLIANT',
        failedChecks: undefined,
        orderingTimestamp: new Date('2026-12-01T00:00:00Z'),
      },
      { ...context, deliveredAt: new Date('2026-12-01T00:01:00Z') },
    );
    expect([later.CreatedAt, later.FirstObservedAt]).toEqual([first.CreatedAt, first.FirstObservedAt]);
    expect(later.LastObservedAt).toBe('2026-12-01T00:00:00.000Z');
    expect(Date.parse(later.UpdatedAt ?? '')).toBeGreaterThan(Date.parse(first.UpdatedAt ?? ''));
  });

  it('a notebook known only by its resource id (vanished) is archived, first observed when last observed', () => {
    const vanished = finding({
      compliance: 'NOT_APPLICABLE',
      annotation: 'Notebook instance no longer exists',
      resourceType: 'AWS::SageMaker::NotebookInstance',
      resourceId: ARN,
      orderingTimestamp: OBSERVED,
    });
    expect(vanished).toMatchObject({
      RecordState: 'ARCHIVED',
      CreatedAt: OBSERVED.toISOString(),
      FirstObservedAt: OBSERVED.toISOString(),
      Resources: [{ Details: { AwsSageMakerNotebookInstance: { NotebookInstanceName: 'fraud-model-dev' } } }],
    });
    // What was not read is not invented.
    expect(vanished.Resources?.[0]?.Details?.AwsSageMakerNotebookInstance).not.toHaveProperty(
      'DirectInternetAccess',
    );
  });

  it('a creation time after the observation (clock skew) never makes FirstObservedAt later than LastObservedAt', () => {
    const skewed = finding({
      ...failed,
      notebook: { ...notebook, createdAt: new Date('2027-01-01T00:00:00Z') },
    });
    expect(skewed.FirstObservedAt).toBe(skewed.LastObservedAt);
  });

  it('makes no finding for an item of another resource type', () => {
    expect(
      toFinding({ ...failed, resourceType: 'AWS::EC2::Instance', notebook: undefined }, context),
    ).toBeUndefined();
  });

  it('names the GovCloud partition, and leaves out one ASFF does not list', () => {
    const gov = finding(failed, { ...context, partition: 'aws-us-gov', region: 'us-gov-west-1' });
    expect(gov.ProductArn).toBe(
      `arn:aws-us-gov:securityhub:us-gov-west-1:${ACCOUNT}:product/${ACCOUNT}/default`,
    );
    expect(gov.Resources?.[0]?.Partition).toBe('aws-us-gov');
    expect(finding(failed, { ...context, partition: 'aws-eusc' }).Resources?.[0]).not.toHaveProperty(
      'Partition',
    );
  });

  it('links to a section the README has', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    const anchors = [...readme.matchAll(/^#+ (.+)$/gm)].map(([, heading]) =>
      (heading ?? '')
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replaceAll(' ', '-'),
    );
    expect(anchors).toContain(new URL(REMEDIATION_URL).hash.slice(1));
  });

  it("links to the package's own page (package.json homepage), where that README is shown", () => {
    const manifest = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8'),
    ) as { homepage: string; name: string };
    const url = new URL(REMEDIATION_URL);
    expect(`${url.origin}${url.pathname}`).toBe(manifest.homepage);
    expect(manifest.homepage.endsWith(`/${manifest.name}`)).toBe(true);
  });
});

describe('severityOf', () => {
  it('HIGH for no subnet (S2) or direct internet access (S5), MEDIUM for the others, the highest one wins', () => {
    expect(CHECK_SEVERITY).toEqual({
      S2: 'HIGH',
      S3: 'MEDIUM',
      S4: 'MEDIUM',
      S5: 'HIGH',
      S6: 'MEDIUM',
      S7: 'MEDIUM',
    });
    const failing = (failedChecks: CheckId[]) => severityOf({ compliance: 'NON_COMPLIANT', failedChecks });
    expect(failing(['S4', 'S6'])).toBe('MEDIUM');
    expect(failing(['S4', 'S5', 'S7'])).toBe('HIGH');
    expect(severityOf({ compliance: 'COMPLIANT' })).toBe('INFORMATIONAL');
    expect(severityOf({ compliance: 'NOT_APPLICABLE', annotation: 'Exempt: tagged x' })).toBe(
      'INFORMATIONAL',
    );
  });
});
