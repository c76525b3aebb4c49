/**
 * The automation role's permissions are derived from the document; here they are checked against every
 * call the flow simulation makes across scenarios (nothing missing, nothing never used), and the resource
 * scoping is checked.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AUTOMATION_ROLE_PERMISSIONS,
  AWS_USERID,
  CHECK_DOCUMENT,
  NOTEBOOK_ROLE_PERMISSIONS,
  RUNBOOK,
  requiredPermissions,
  resourceArns,
  TEMPORARY_CONFIG_PREFIX,
} from '../../remediation/index';
import { withBoto3 } from '../support/needs-python';
import type { CallRecord } from './simulation/fake-aws';
import { addNotebook, KEY_ALIAS, NAME, newAccount, pythonBridgePerFile, remediate } from './simulation/world';

const S3_ACTIONS: Record<string, string> = {
  ListObjectsV2: 'ListBucket',
  HeadBucket: 'ListBucket',
  HeadObject: 'GetObject',
};
/** Granted for what an operation implies (a volume key's grant, passing roles, an SSE-KMS bucket's key). */
const IMPLIED = [
  'iam:PassRole',
  'sagemaker:AddTags',
  'kms:CreateGrant',
  'kms:DescribeKey',
  'kms:Decrypt',
  'kms:GenerateDataKey',
];

function iamAction(call: CallRecord): string {
  return `${call.service}:${call.service === 's3' ? (S3_ACTIONS[call.operation] ?? call.operation) : call.operation}`;
}

describe('automation role permissions', () => {
  const derived = [...new Set(AUTOMATION_ROLE_PERMISSIONS.map((permission) => permission.action))];
  const grant = (action: string, resource: string) =>
    AUTOMATION_ROLE_PERMISSIONS.find(
      (permission) => permission.action === action && permission.resource === resource,
    );

  withBoto3.describe('against every call the flow simulation made', () => {
    let observed = new Set<string>();
    const python = pythonBridgePerFile();

    beforeAll(async () => {
      const calls: CallRecord[] = [];
      const happy = newAccount();
      addNotebook(happy);
      await remediate(happy, python(), { NotebookInstanceName: NAME.toLowerCase() });
      calls.push(...happy.calls);
      // A volume key named by its alias: ResolveNotebook resolves it (kms:DescribeKey) before simulating.
      const aliasedKey = newAccount();
      addNotebook(aliasedKey, { settings: { KmsKeyId: KEY_ALIAS } });
      await remediate(aliasedKey, python());
      calls.push(...aliasedKey.calls);
      const backupFails = newAccount();
      addNotebook(backupFails);
      backupFails.sagemaker.hookOutcome.backup = 'never';
      await remediate(backupFails, python(), { BackupTimeoutMinutes: '20' });
      calls.push(...backupFails.calls);
      const createFails = newAccount();
      addNotebook(createFails);
      createFails.sagemaker.createFailuresLeft = 4;
      await remediate(createFails, python());
      await remediate(createFails, python());
      calls.push(...createFails.calls);
      observed = new Set(calls.map(iamAction));
    });

    it('cover every call the simulation made', () => {
      expect(observed.size).toBeGreaterThan(15);
      for (const action of observed) expect(derived, action).toContain(action);
    });

    it('hold nothing the runbook never calls (besides what CreateNotebookInstance implies)', () => {
      for (const action of derived.filter((action) => !IMPLIED.includes(action)))
        expect([...observed], action).toContain(action);
    });
  });

  it('scope each action to its resource kind', () => {
    const kind = (action: string) =>
      AUTOMATION_ROLE_PERMISSIONS.filter((permission) => permission.action === action)
        .map((permission) => permission.resource)
        .join(',');
    expect(kind('sagemaker:DeleteNotebookInstance')).toBe('notebook-instance');
    expect(kind('sagemaker:CreateNotebookInstanceLifecycleConfig')).toBe('temporary-lifecycle-config');
    expect(kind('sagemaker:DescribeNotebookInstanceLifecycleConfig')).toBe('lifecycle-config');
    expect(kind('sagemaker:ListNotebookInstances')).toBe('any');
    expect(kind('ec2:DescribeSubnets')).toBe('any');
    expect(kind('s3:ListBucket')).toBe('backup-bucket');
    expect(kind('s3:PutObject')).toBe('backup-objects');
    expect(kind('s3:PutObjectTagging')).toBe('backup-objects');
    expect(kind('iam:SimulatePrincipalPolicy')).toBe('automation-role');
    expect(kind('iam:GetRole')).toBe('notebook-role');
    expect(kind('ssm:GetAutomationExecution')).toBe('automation-execution');
    expect(kind('ssm:DescribeAutomationStepExecutions')).toBe('automation-execution');
    expect(kind('ssm:StartAutomationExecution')).toBe('automation-execution,check-document');
    expect(grant('kms:DescribeKey', 'notebook-kms-key')).toMatchObject({
      steps: ['CreateNotebook', 'Check'],
    });
    expect(grant('kms:CreateGrant', 'notebook-kms-key')).toMatchObject({
      condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      steps: ['CreateNotebook'],
    });
    expect(grant('iam:PassRole', 'notebook-role')).toMatchObject({
      condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      steps: ['CreateNotebook'],
    });
    expect(grant('iam:PassRole', 'automation-role')).toMatchObject({
      condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      steps: ['CheckNotebook'],
    });
    expect(grant('kms:Decrypt', 'backup-bucket-kms-key')?.condition).toEqual({
      StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' },
    });
  });

  it('follow the documents (a removed step takes its permission with it)', () => {
    const withoutFinish = {
      ...RUNBOOK,
      mainSteps: RUNBOOK.mainSteps.filter((step) => step.name !== 'Finish'),
    };
    expect(requiredPermissions([RUNBOOK]).map((p) => p.action)).toContain('s3:PutObjectTagging');
    expect(requiredPermissions([withoutFinish]).map((p) => p.action)).not.toContain('s3:PutObjectTagging');
    expect(requiredPermissions([RUNBOOK]).map((p) => p.action)).not.toContain('iam:GetRole');
    expect(requiredPermissions([RUNBOOK, CHECK_DOCUMENT]).map((p) => p.action)).toContain('iam:GetRole');
  });
});

describe('resources', () => {
  const scope = { partition: 'aws', region: 'eu-west-1', account: '123456789012', bucket: 'b', prefix: 'p' };

  it('renders ARNs per kind', () => {
    expect(resourceArns('notebook-instance', scope)).toEqual([
      'arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/*',
    ]);
    expect(resourceArns('temporary-lifecycle-config', scope)).toEqual([
      'arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance-lifecycle-config/vpc-guard-*',
    ]);
    expect(resourceArns('backup-objects', scope)).toEqual(['arn:aws:s3:::b/p/*']);
    expect(resourceArns('backup-bucket', { ...scope, bucket: undefined })).toEqual([]);
    expect(resourceArns('notebook-role', scope)).toEqual([]);
    const automationRoleArn = 'arn:aws:iam::123456789012:role/Automation';
    expect(resourceArns('automation-role', { ...scope, automationRoleArn })).toEqual([automationRoleArn]);
    expect(resourceArns('automation-role', scope)).toEqual([]);
    expect(resourceArns('backup-bucket-kms-key', scope)).toEqual([]);
    const backupKmsKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/k';
    expect(resourceArns('backup-bucket-kms-key', { ...scope, backupKmsKeyArn })).toEqual([backupKmsKeyArn]);
    expect(resourceArns('own-backup-area', scope)).toEqual([`arn:aws:s3:::b/p/data/${AWS_USERID}/*`]);
    expect(resourceArns('check-document', { ...scope, checkDocumentName: 'c' })).toEqual([
      'arn:aws:ssm:eu-west-1:123456789012:document/c',
      'arn:aws:ssm:eu-west-1:123456789012:automation-definition/c:*',
    ]);
    expect(resourceArns('automation-execution', scope)).toEqual([
      'arn:aws:ssm:eu-west-1:123456789012:automation-execution/*',
    ]);
  });

  it('the temporary configuration prefix is the one the scripts use', () => {
    const common = readFileSync(new URL('../../remediation/scripts/common.py', import.meta.url), 'utf8');
    expect(common).toContain(`TEMPORARY_CONFIG_PREFIX = "${TEMPORARY_CONFIG_PREFIX}"`);
  });

  it('the notebook role can read and write its own area only, with the SSE-KMS key through S3 only', () => {
    const s3 = NOTEBOOK_ROLE_PERMISSIONS.filter((permission) => permission.action.startsWith('s3:'));
    expect(s3.map((permission) => permission.action)).toEqual([
      's3:GetObject',
      's3:PutObject',
      's3:AbortMultipartUpload',
    ]);
    expect(new Set(s3.map((permission) => permission.resource))).toEqual(new Set(['own-backup-area']));
    const kms = NOTEBOOK_ROLE_PERMISSIONS.filter((permission) => permission.action.startsWith('kms:'));
    for (const permission of kms) {
      expect(permission).toMatchObject({
        resource: 'backup-bucket-kms-key',
        condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
      });
    }
  });
});
