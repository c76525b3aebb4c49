/**
 * Remediation in a single account: the runbook document, the automation role built from the runbook's own
 * permission list, the backup bucket and what notebook roles may do in it, and the remediation
 * configuration (manual by default, automatic only when asked).
 */
import { describe, expect, it } from 'vitest';
import { AUTOMATION_ROLE_PERMISSIONS, RUNBOOK, PARAMETERS as RUNBOOK_PARAMETERS } from '../../remediation';
import { RUNBOOK_ROLE_PRINCIPALS } from '../../stack/guardrails';
import {
  actionsOf,
  KMS_KEY,
  MODES,
  onlyResource,
  resourcesOfType,
  roleIdOf,
  roleStatements,
  SECURITY_GROUPS,
  type Statement,
  SUBNET,
  synthesize,
} from './support';

const single = synthesize(MODES.singleAccount).json;
const automatic = synthesize(MODES.automatic).json;
const noTarget = synthesize(MODES.noContext).json;

const [documentId, document] = onlyResource(single, 'AWS::SSM::Document');
const [, remediation] = onlyResource(single, 'AWS::Config::RemediationConfiguration');
const automationRoleId = roleIdOf(
  (remediation.Parameters as Record<string, { StaticValue: { Values: unknown[] } }>).AutomationAssumeRole
    ?.StaticValue.Values[0],
);
const statements = roleStatements(single, automationRoleId);
const statementWith = (action: string, within: readonly Statement[] = statements) =>
  within.find((statement) => [statement.Action].flat().includes(action));

describe('runbook document', () => {
  it('is the runbook exactly as built (dist/remediation/runbook.json), as an Automation document', () => {
    expect(document.DocumentType).toBe('Automation');
    expect(document.DocumentFormat).toBe('JSON');
    expect(document.Content).toEqual(JSON.parse(JSON.stringify(RUNBOOK)));
  });
});

describe('automation role', () => {
  it('may be assumed only by Automation executions of this account', () => {
    const role = single.Resources[automationRoleId]?.Properties ?? {};
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'ssm.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': expect.anything() },
          },
        },
      ],
    });
  });

  it('lives under the IAM path the guardrails let carry an exemption tag over (issue 9 §8)', () => {
    const role = single.Resources[automationRoleId]?.Properties ?? {};
    expect(role.Path).toBe('/sagemaker-notebook-vpc-guard/');
    // The guardrail simulation allows this pattern (guardrails/simulation.test.ts): it must be this path.
    expect(RUNBOOK_ROLE_PRINCIPALS).toBe(`arn:*:iam::*:role${String(role.Path)}*`);
  });

  it("allows exactly the runbook's permission list", () => {
    expect(actionsOf(statements)).toEqual(
      AUTOMATION_ROLE_PERMISSIONS.map((permission) => permission.action).sort(),
    );
  });

  it('acts on notebooks and lifecycle configurations by ARN; changes only its own temporary configurations', () => {
    const resource = (action: string) => JSON.stringify(statementWith(action)?.Resource);
    for (const action of [
      'CreateNotebookInstance',
      'DeleteNotebookInstance',
      'StopNotebookInstance',
      'AddTags',
    ]) {
      expect(resource(`sagemaker:${action}`)).toContain(':notebook-instance/*');
    }
    expect(resource('sagemaker:DescribeNotebookInstanceLifecycleConfig')).toContain(
      ':notebook-instance-lifecycle-config/*',
    );
    for (const action of ['Create', 'Update', 'Delete']) {
      expect(resource(`sagemaker:${action}NotebookInstanceLifecycleConfig`)).toContain(
        ':notebook-instance-lifecycle-config/vpc-guard-*',
      );
    }
    const unscoped = statements.filter((statement) => statement.Resource === '*');
    expect(actionsOf(unscoped)).toEqual([
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'sagemaker:ListNotebookInstances',
    ]);
  });

  it('passes only the allowed notebook roles, and only to SageMaker', () => {
    const passRole = statementWith('iam:PassRole');
    expect(JSON.stringify(passRole?.Resource)).toContain(
      ':role/service-role/AmazonSageMaker-ExecutionRole-*',
    );
    expect(passRole?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
    });
  });

  it("may simulate its own policies only (the runbook's pre-check), nobody else's", () => {
    expect(statementWith('iam:SimulatePrincipalPolicy')).toMatchObject({
      Action: 'iam:SimulatePrincipalPolicy',
      Resource: { 'Fn::GetAtt': [automationRoleId, 'Arn'] },
    });
  });

  it('reaches S3 only in the backup prefix of the backup bucket', () => {
    const objects = JSON.stringify(statementWith('s3:PutObject')?.Resource);
    expect(objects).toMatch(/BackupsBucket.*\/sagemaker-notebook-vpc-guard\/\*/);
    expect(statementWith('s3:GetObject')).toBe(statementWith('s3:PutObject'));
    expect(JSON.stringify(statementWith('s3:ListBucket')?.Resource)).not.toContain('/');
  });

  it('gets KMS grant rights on the named keys only, and none when no key is named', () => {
    expect(statementWith('kms:CreateGrant')?.Resource).toBe(KMS_KEY);
    const noKeyRole = roleIdOf(
      (
        onlyResource(automatic, 'AWS::Config::RemediationConfiguration')[1].Parameters as Record<
          string,
          { StaticValue: { Values: unknown[] } }
        >
      ).AutomationAssumeRole?.StaticValue.Values[0],
    );
    expect(
      actionsOf(roleStatements(automatic, noKeyRole)).filter((action) => action.startsWith('kms:')),
    ).toEqual([]);
  });
});

describe('backup bucket', () => {
  const [bucketId, bucket] = onlyResource(single, 'AWS::S3::Bucket');
  const [, bucketPolicy] = onlyResource(single, 'AWS::S3::BucketPolicy');
  const policyStatements = (bucketPolicy.PolicyDocument as { Statement: Statement[] }).Statement;

  it('is encrypted, private, versioned, kept when the stack is deleted, and expires old backups', () => {
    expect(bucket).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(single.Resources[bucketId]).toMatchObject({ DeletionPolicy: 'Retain' });
    const rules = (bucket.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: 'sagemaker-notebook-vpc-guard/',
        ExpirationInDays: 90,
        Status: 'Enabled',
      }),
    );
  });

  it('refuses requests without TLS', () => {
    expect(policyStatements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('lets the allowed notebook roles of this account read and write the backup prefix (they run backup and restore)', () => {
    const notebookStatements = policyStatements.filter((statement) =>
      statement.Sid?.startsWith('NotebookRoles'),
    );
    expect(actionsOf(notebookStatements)).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    for (const statement of notebookStatements) {
      expect(JSON.stringify(statement.Condition?.ArnLike?.['aws:PrincipalArn'])).toContain(
        ':role/service-role/AmazonSageMaker-ExecutionRole-*',
      );
      expect(statement.Condition?.StringEquals).toEqual({
        'aws:PrincipalAccount': { Ref: 'AWS::AccountId' },
      });
    }
    expect(statementWith('s3:ListBucket', notebookStatements)?.Condition?.StringLike).toEqual({
      's3:prefix': ['sagemaker-notebook-vpc-guard/*'],
    });
  });

  it('is not created when an existing bucket is named; the roles are scoped to that bucket instead', () => {
    expect(resourcesOfType(automatic, 'AWS::S3::Bucket')).toEqual([]);
    const [, notebookPolicy] = onlyResource(automatic, 'AWS::IAM::ManagedPolicy');
    expect(JSON.stringify(notebookPolicy.PolicyDocument)).toContain(
      'existing-backups-bucket/sagemaker-notebook-vpc-guard/*',
    );
    expect(notebookPolicy.Roles).toBeUndefined();
  });

  it("grants notebook roles no KMS key: the bucket's own key is for its owner to grant (the created one uses SSE-S3)", () => {
    for (const template of [single, automatic]) {
      const [, notebookPolicy] = onlyResource(template, 'AWS::IAM::ManagedPolicy');
      const granted = actionsOf((notebookPolicy.PolicyDocument as { Statement: Statement[] }).Statement);
      expect(granted.filter((action) => action.startsWith('kms:'))).toEqual([]);
    }
  });
});

describe('remediation configuration', () => {
  const parameters = remediation.Parameters as Record<string, Record<string, unknown>>;

  it('runs the runbook as a manual remediation by default (the console "Remediate" button)', () => {
    expect(remediation).toMatchObject({
      TargetType: 'SSM_DOCUMENT',
      TargetId: { Ref: documentId },
      ResourceType: 'AWS::SageMaker::NotebookInstance',
      Automatic: false,
    });
    expect(remediation.MaximumAutomaticAttempts).toBeUndefined();
    expect(remediation.ConfigRuleName).toEqual({ Ref: onlyResource(single, 'AWS::Config::ConfigRule')[0] });
  });

  it('passes the resource id as the notebook and the target, bucket and role as static values', () => {
    expect(parameters).toEqual({
      NotebookInstanceName: { ResourceValue: { Value: 'RESOURCE_ID' } },
      SubnetId: { StaticValue: { Values: [SUBNET] } },
      SecurityGroupIds: { StaticValue: { Values: SECURITY_GROUPS } },
      DirectInternetAccess: { StaticValue: { Values: ['Disabled'] } },
      BackupBucketName: { StaticValue: { Values: [{ Ref: onlyResource(single, 'AWS::S3::Bucket')[0] }] } },
      BackupPrefix: { StaticValue: { Values: ['sagemaker-notebook-vpc-guard'] } },
      AutomationAssumeRole: { StaticValue: { Values: [{ 'Fn::GetAtt': [automationRoleId, 'Arn'] }] } },
    });
  });

  it("stays within Config's rules: at most 25 parameters, each a resource value or a static value, never both", () => {
    expect(Object.keys(parameters).length).toBeLessThanOrEqual(25);
    for (const parameter of Object.values(parameters)) {
      expect(Object.keys(parameter).length).toBe(1);
      expect(['ResourceValue', 'StaticValue']).toContain(Object.keys(parameter)[0]);
    }
  });

  it('names only runbook parameters, gives every required one, and never AllowDataLoss or AllowUncheckedPermissions', () => {
    const names = Object.keys(parameters);
    expect(names.every((name) => name in RUNBOOK_PARAMETERS)).toBe(true);
    const required = Object.entries(RUNBOOK_PARAMETERS).filter(
      ([, definition]) => !('default' in definition),
    );
    expect(names).toEqual(expect.arrayContaining(required.map(([name]) => name)));
    expect(names).not.toContain('AllowDataLoss');
    expect(names).not.toContain('AllowUncheckedPermissions');
  });

  it('is automatic only when asked, with attempts, retry window and rate controls', () => {
    const [, automaticRemediation] = onlyResource(automatic, 'AWS::Config::RemediationConfiguration');
    expect(automaticRemediation).toMatchObject({
      Automatic: true,
      MaximumAutomaticAttempts: 3,
      RetryAttemptSeconds: 21_600,
      ExecutionControls: { SsmControls: { ConcurrentExecutionRatePercentage: 10, ErrorPercentage: 10 } },
    });
    expect((automaticRemediation.Parameters as Record<string, unknown>).BackupBucketName).toEqual({
      StaticValue: { Values: ['existing-backups-bucket'] },
    });
  });

  it('is created after the runbook and its role can act (automatic remediation may start at once)', () => {
    const [remediationId] = onlyResource(automatic, 'AWS::Config::RemediationConfiguration');
    const dependsOn = automatic.Resources[remediationId]?.DependsOn ?? [];
    expect(dependsOn.some((id) => /AutomationRoleDefaultPolicy/.test(id))).toBe(true);
    expect(dependsOn.some((id) => /RunbookDocument/.test(id))).toBe(true);
  });

  it('is absent without a target', () => {
    expect(resourcesOfType(noTarget, 'AWS::Config::RemediationConfiguration')).toEqual([]);
  });
});
