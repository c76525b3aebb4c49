/**
 * Remediation in a single account: the runbook and its check document (with this deployment's settings written
 * in), the automation role built from their own permission list and carrying the guardrail's conditions, the
 * backup bucket and its key and what notebook roles may do there, and the remediation configuration (manual by
 * default, automatic only when asked). test/stack/backup-isolation.test.ts runs the bucket policy through IAM's
 * logic.
 */
import { describe, expect, it } from 'vitest';
import {
  AUTOMATION_ROLE_PERMISSIONS,
  CHECK_DOCUMENT,
  namingCheckDocument,
  OWN_AREA,
  RUNBOOK,
  PARAMETERS as RUNBOOK_PARAMETERS,
  withSettings,
} from '../../remediation';
import { toInputParameters } from '../../rule/parameters';
import { RUNBOOK_ROLE_PRINCIPALS } from '../../stack/guardrails';
import { resolveSettings } from '../../stack/settings';
import {
  actionsOf,
  KMS_KEY,
  MODES,
  onlyResource,
  resourcesOfType,
  roleIdOf,
  roleStatements,
  runbookDocuments,
  SECURITY_GROUPS,
  type Statement,
  SUBNET,
  synthesize,
} from './support';

const single = synthesize(MODES.singleAccount).json;
const automatic = synthesize(MODES.automatic).json;
const noTarget = synthesize(MODES.noContext).json;
const guardrails = synthesize(MODES.guardrailsSingleAccount).json;

const {
  runbook: [documentId, document],
  check: [checkId, check],
} = runbookDocuments(single);

/** A CloudFormation value with each { Ref: id } replaced as `references` says (tokens written into content). */
function withReferences(value: unknown, references: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => withReferences(item, references));
  if (value !== null && typeof value === 'object') {
    const ref = (value as { Ref?: string }).Ref;
    if (ref !== undefined && ref in references) return references[ref];
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map((part) => withReferences(part, references)).join(join[0]);
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withReferences(item, references)]),
    );
  }
  return value;
}
const [, remediation] = onlyResource(single, 'AWS::Config::RemediationConfiguration');
const automationRoleId = roleIdOf(
  (remediation.Parameters as Record<string, { StaticValue: { Values: unknown[] } }>).AutomationAssumeRole
    ?.StaticValue.Values[0],
);
const statements = roleStatements(single, automationRoleId);
const statementWith = (action: string, within: readonly Statement[] = statements) =>
  within.find((statement) => [statement.Action].flat().includes(action));

describe('runbook documents', () => {
  const bucketId = onlyResource(single, 'AWS::S3::Bucket')[0];

  it('deploys the runbook as built, naming the check document it deploys beside it', () => {
    for (const deployed of [document, check]) {
      expect(deployed.DocumentType).toBe('Automation');
      expect(deployed.DocumentFormat).toBe('JSON');
    }
    expect(withReferences(document.Content, { [checkId]: 'CHECK' })).toEqual(
      JSON.parse(JSON.stringify(namingCheckDocument(RUNBOOK, 'CHECK'))),
    );
  });

  it("writes this deployment's settings into the check document: its bucket and prefix, the rule's parameters", () => {
    const settings = resolveSettings(MODES.singleAccount);
    const expected = withSettings(CHECK_DOCUMENT, {
      BackupBucketName: 'BUCKET',
      BackupPrefix: 'sagemaker-notebook-vpc-guard',
      Rule: toInputParameters(settings.ruleParameters),
    });
    expect(withReferences(check.Content, { [bucketId]: 'BUCKET' })).toEqual(
      JSON.parse(JSON.stringify(expected)),
    );
  });
});

describe('notebooks their code owns (iacOwnershipTagKeys)', () => {
  const markers = ['iac-repo', 'ManagedBy=terraform'];
  const owned = synthesize({ ...MODES.automatic, iacOwnershipTagKeys: markers }).json;
  const [, rule] = onlyResource(owned, 'AWS::Config::ConfigRule');
  const [, remediationConfiguration] = onlyResource(owned, 'AWS::Config::RemediationConfiguration');
  const deployedCheck = runbookDocuments(owned).check[1];

  it("one list for both: the rule's IacOwnershipTagKeys and the check document's deployed markers", () => {
    expect(rule.InputParameters).toMatchObject({ IacOwnershipTagKeys: 'iac-repo,ManagedBy=terraform' });
    const step = (
      deployedCheck.Content as { mainSteps: { inputs: { InputPayload: { Settings: string } } }[] }
    ).mainSteps[0];
    expect(JSON.parse(step?.inputs.InputPayload.Settings ?? '{}').Rule.IacOwnershipTagKeys).toBe(
      'iac-repo,ManagedBy=terraform',
    );
  });

  it('automatic remediation never passes AllowIacOwnedNotebook: an owned notebook is refused, whatever it is told', () => {
    expect(remediationConfiguration.Automatic).toBe(true);
    expect(Object.keys(remediationConfiguration.Parameters as object)).not.toContain('AllowIacOwnedNotebook');
  });
});

describe('automation role', () => {
  it('may be assumed only by Automation executions of this account and region', () => {
    const role = single.Resources[automationRoleId]?.Properties ?? {};
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'ssm.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: {
              'aws:SourceArn': [
                {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':ssm:',
                      { Ref: 'AWS::Region' },
                      ':',
                      { Ref: 'AWS::AccountId' },
                      ':automation-execution/*',
                    ],
                  ],
                },
              ],
            },
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
    const allowed = statements.filter((statement) => statement.Effect === 'Allow');
    expect(actionsOf(allowed)).toEqual(
      [...new Set(AUTOMATION_ROLE_PERMISSIONS.map((permission) => permission.action))].sort(),
    );
  });

  it("carries the guardrail's conditions: CreateNotebookInstance is denied outside the approved network", () => {
    const denied = (json: typeof single) => {
      const [, remediationConfig] = onlyResource(json, 'AWS::Config::RemediationConfiguration');
      const role = roleIdOf(
        (remediationConfig.Parameters as Record<string, { StaticValue: { Values: unknown[] } }>)
          .AutomationAssumeRole?.StaticValue.Values[0],
      );
      return roleStatements(json, role).filter((statement) => statement.Effect === 'Deny');
    };
    expect(denied(single).map((statement) => statement.Sid)).toEqual([
      'DenyNotebookWithoutSubnet',
      'DenyNotebookDirectInternetAccessByDefault',
      'DenyNotebookDirectInternetAccessEnabled',
    ]);
    const withSubnets = denied(guardrails).find(
      (statement) => statement.Sid === 'DenyNotebookInUnapprovedSubnet',
    );
    expect(withSubnets).toMatchObject({
      Action: 'sagemaker:CreateNotebookInstance',
      Condition: { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSubnets': [SUBNET] } },
    });
  });

  it('may start only its own check document, and pass itself only to Systems Manager', () => {
    const start = statements.filter((statement) =>
      [statement.Action].flat().includes('ssm:StartAutomationExecution'),
    );
    expect(JSON.stringify(start.map((statement) => statement.Resource))).toContain(`{"Ref":"${checkId}"}`);
    const passSelf = statements.find(
      (statement) =>
        [statement.Action].flat().includes('iam:PassRole') &&
        JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [automationRoleId, 'Arn'] }),
    );
    expect(passSelf?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } });
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
    const unscoped = statements.filter(
      (statement) => statement.Resource === '*' && statement.Effect === 'Allow',
    );
    expect(actionsOf(unscoped)).toEqual([
      'ec2:DescribeRouteTables',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'sagemaker:ListNotebookInstances',
    ]);
  });

  it('passes only the allowed notebook roles, and only to SageMaker', () => {
    const passRole = statements.find(
      (statement) =>
        [statement.Action].flat().includes('iam:PassRole') &&
        JSON.stringify(statement.Resource).includes(':role/'),
    );
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

  it("uses the backup bucket's key through S3 only", () => {
    const [keyId] = onlyResource(single, 'AWS::KMS::Key');
    expect(statementWith('kms:Decrypt')).toMatchObject({
      Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
      Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
    });
  });

  it('reaches S3 only in the backup prefix of the backup bucket', () => {
    const objects = JSON.stringify(statementWith('s3:PutObject')?.Resource);
    expect(objects).toMatch(/BackupsBucket.*\/sagemaker-notebook-vpc-guard\/\*/);
    expect(statementWith('s3:GetObject')).toBe(statementWith('s3:PutObject'));
    expect(JSON.stringify(statementWith('s3:ListBucket')?.Resource)).not.toContain('/');
  });

  it('gets KMS grant rights on the named keys only, for SageMaker only, and none when no key is named', () => {
    expect(statementWith('kms:CreateGrant')).toMatchObject({
      Resource: KMS_KEY,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
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
    ).toEqual([]); // the existing bucket's key is not named either
  });
});

describe('backup bucket', () => {
  const [bucketId, bucket] = onlyResource(single, 'AWS::S3::Bucket');
  const [keyId, key] = onlyResource(single, 'AWS::KMS::Key');
  const [, bucketPolicy] = onlyResource(single, 'AWS::S3::BucketPolicy');
  const policyStatements = (bucketPolicy.PolicyDocument as { Statement: Statement[] }).Statement;
  const sid = (id: string) => policyStatements.find((statement) => statement.Sid === id);

  it('is encrypted with a rotated key of its own, private, versioned and kept when the stack is deleted', () => {
    expect(bucket).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
            BucketKeyEnabled: true,
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(key.EnableKeyRotation).toBe(true);
    expect(single.Resources[bucketId]).toMatchObject({ DeletionPolicy: 'Retain' });
    expect(single.Resources[keyId]).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('§9 expires only completed runs: the lifecycle rule is limited to objects tagged completed', () => {
    const rules = (bucket.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    const expiring = rules.filter(
      (rule) => rule.ExpirationInDays !== undefined || rule.NoncurrentVersionExpiration,
    );
    expect(expiring).toEqual([
      expect.objectContaining({
        Prefix: 'sagemaker-notebook-vpc-guard/',
        TagFilters: [{ Key: 'sagemaker-notebook-vpc-guard', Value: 'completed' }],
        ExpirationInDays: 90,
        Status: 'Enabled',
      }),
    ]);
  });

  it('refuses requests without TLS', () => {
    expect(policyStatements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it("lets the allowed notebook roles of this account read and write their own session's area only", () => {
    const own = sid('NotebookRolesOwnArea');
    expect(own).toMatchObject({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
    });
    expect(JSON.stringify(own?.Resource)).toContain(`/sagemaker-notebook-vpc-guard/${OWN_AREA}/*`);
    expect(JSON.stringify(own?.Condition?.ArnLike?.['aws:PrincipalArn'])).toContain(
      ':role/service-role/AmazonSageMaker-ExecutionRole-*',
    );
  });

  it('§1 denies, explicitly and to everyone but the automation role, objects and listings outside their own area, tagging and deleting', () => {
    const automationRole = { 'Fn::GetAtt': [automationRoleId, 'Arn'] };
    for (const id of ['DenyObjectsOutsideOwnArea', 'DenyListingOutsideOwnArea', 'DenyTaggingButTheRunbook']) {
      expect(sid(id), id).toMatchObject({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': automationRole } },
      });
    }
    expect(JSON.stringify(sid('DenyObjectsOutsideOwnArea'))).toContain('"NotResource"');
    expect(sid('DenyListingOutsideOwnArea')?.Condition?.StringNotLike).toEqual({
      's3:prefix': [`sagemaker-notebook-vpc-guard/${OWN_AREA}/*`],
    });
    expect(sid('DenyDeletingBackups')).toMatchObject({
      Effect: 'Deny',
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
    });
    expect(sid('DenyDeletingBackups')?.Condition).toBeUndefined();
  });

  it("lets notebook roles use the bucket's key through S3 only", () => {
    const statement = (key.KeyPolicy as { Statement: Statement[] }).Statement.find(
      (candidate) => candidate.Sid === 'NotebookRolesThroughS3',
    );
    expect(statement).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
        },
      },
    });
  });

  it('is not created when an existing bucket is named; the roles are scoped to its own areas instead', () => {
    expect(resourcesOfType(automatic, 'AWS::S3::Bucket')).toEqual([]);
    const [, notebookPolicy] = onlyResource(automatic, 'AWS::IAM::ManagedPolicy');
    expect(JSON.stringify(notebookPolicy.PolicyDocument)).toContain(
      `existing-backups-bucket/sagemaker-notebook-vpc-guard/${OWN_AREA}/*`,
    );
    expect(notebookPolicy.Roles).toBeUndefined();
  });

  it('grants notebook roles a named key of an existing bucket through S3, and no key when none is named', () => {
    const withKey = synthesize({ ...MODES.automatic, backupKmsKeyArn: KMS_KEY }).json;
    const kmsStatements = (json: typeof single) =>
      (
        onlyResource(json, 'AWS::IAM::ManagedPolicy')[1].PolicyDocument as { Statement: Statement[] }
      ).Statement.filter((statement) => actionsOf([statement]).some((action) => action.startsWith('kms:')));
    expect(kmsStatements(withKey)).toEqual([
      expect.objectContaining({
        Resource: KMS_KEY,
        Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
      }),
    ]);
    expect(kmsStatements(automatic)).toEqual([]);
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

  it('names only runbook parameters, gives every required one, and never one only an operator may choose', () => {
    const names = Object.keys(parameters);
    expect(names.every((name) => name in RUNBOOK_PARAMETERS)).toBe(true);
    const required = Object.entries(RUNBOOK_PARAMETERS).filter(
      ([, definition]) => !('default' in definition),
    );
    expect(names).toEqual(expect.arrayContaining(required.map(([name]) => name)));
    // Automatic remediation (and the console's button) never loses data, goes on unchecked, recreates a
    // notebook its code owns, or runs another mode.
    for (const operatorOnly of [
      'AllowDataLoss',
      'AllowUncheckedPermissions',
      'AllowIacOwnedNotebook',
      'Mode',
      'BackupExecutionId',
    ])
      expect(names).not.toContain(operatorOnly);
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
