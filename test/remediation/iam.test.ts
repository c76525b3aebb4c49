/**
 * The automation role's permissions are derived from the document; here they are checked against every
 * call the flow simulation makes across scenarios (nothing missing, nothing never used), and the resource
 * scoping is checked.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AUTOMATION_ROLE_PERMISSIONS,
  NOTEBOOK_ROLE_PERMISSIONS,
  RUNBOOK,
  requiredPermissions,
  resourceArns,
  TEMPORARY_CONFIG_PREFIX,
} from '../../remediation/index';
import { withBoto3 } from '../support/needs-python';
import type { CallRecord } from './simulation/fake-aws';
import { addNotebook, KEY_ALIAS, NAME, newAccount, pythonBridgePerFile, remediate } from './simulation/world';

const S3_ACTIONS: Record<string, string> = { ListObjectsV2: 'ListBucket', HeadBucket: 'ListBucket' };
const IMPLIED = ['iam:PassRole', 'sagemaker:AddTags', 'kms:CreateGrant', 'kms:DescribeKey'];

function iamAction(call: CallRecord): string {
  return `${call.service}:${call.service === 's3' ? (S3_ACTIONS[call.operation] ?? call.operation) : call.operation}`;
}

describe('automation role permissions', () => {
  const derived = AUTOMATION_ROLE_PERMISSIONS.map((permission) => permission.action);

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
      AUTOMATION_ROLE_PERMISSIONS.find((permission) => permission.action === action)?.resource;
    expect(kind('sagemaker:DeleteNotebookInstance')).toBe('notebook-instance');
    expect(kind('sagemaker:CreateNotebookInstanceLifecycleConfig')).toBe('temporary-lifecycle-config');
    expect(kind('sagemaker:DescribeNotebookInstanceLifecycleConfig')).toBe('lifecycle-config');
    expect(kind('sagemaker:ListNotebookInstances')).toBe('any');
    expect(kind('ec2:DescribeSubnets')).toBe('any');
    expect(kind('s3:ListBucket')).toBe('backup-bucket');
    expect(kind('s3:PutObject')).toBe('backup-objects');
    expect(kind('iam:SimulatePrincipalPolicy')).toBe('automation-role');
    expect(
      AUTOMATION_ROLE_PERMISSIONS.find((permission) => permission.action === 'kms:DescribeKey'),
    ).toMatchObject({ resource: 'notebook-kms-key', steps: ['ResolveNotebook', 'CreateNotebook'] });
    expect(
      AUTOMATION_ROLE_PERMISSIONS.find((permission) => permission.action === 'iam:PassRole'),
    ).toMatchObject({
      resource: 'notebook-role',
      condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      steps: ['CreateNotebook'],
    });
  });

  it('follow the document (a removed step takes its permission with it)', () => {
    const withoutDelete = {
      ...RUNBOOK,
      mainSteps: RUNBOOK.mainSteps.filter((step) => step.name !== 'DeleteNotebook'),
    };
    expect(requiredPermissions(withoutDelete).map((p) => p.action)).not.toContain(
      'sagemaker:DeleteNotebookInstance',
    );
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
  });

  it('the temporary configuration prefix is the one the scripts use', () => {
    const common = readFileSync(new URL('../../remediation/scripts/common.py', import.meta.url), 'utf8');
    expect(common).toContain(`TEMPORARY_CONFIG_PREFIX = "${TEMPORARY_CONFIG_PREFIX}"`);
  });

  it('the notebook role can copy to and from the bucket, with its SSE-KMS key if it has one', () => {
    const actions = NOTEBOOK_ROLE_PERMISSIONS.map((permission) => permission.action);
    expect(actions).toEqual(expect.arrayContaining(['s3:ListBucket', 's3:GetObject', 's3:PutObject']));
    const kms = NOTEBOOK_ROLE_PERMISSIONS.filter((permission) => permission.action.startsWith('kms:'));
    expect(kms.map((permission) => permission.resource)).toEqual([
      'backup-bucket-kms-key',
      'backup-bucket-kms-key',
    ]);
  });
});
