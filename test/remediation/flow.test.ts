/**
 * The flow simulation: the shipped document, step by step, against a stateful fake AWS, with the script
 * steps' real Python. Each scenario asserts the calls made and the end state. Here: the happy path and the
 * checks that must change nothing.
 */
import { expect, it } from 'vitest';
import { withBoto3 } from '../support/needs-python';
import {
  expectDataRestored,
  expectMovedWithEverything,
  expectUntouched,
  notebook,
} from './simulation/expectations';
import {
  addNotebook,
  HAND_DEPLOYED,
  NAME,
  newAccount,
  OTHER_GROUP,
  objectsEndingWith,
  pythonBridgePerFile,
  remediate,
  TARGET_GROUPS,
  TARGET_SUBNET,
} from './simulation/world';

const python = pythonBridgePerFile();

withBoto3.describe('flow simulation', () => {
  it('happy path: backs up, recreates with every setting and tag in the subnet, restores the data', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const execution = await remediate(aws, python());
    expect(execution.failure).toBeUndefined();
    expect(execution.status).toBe('Success');
    expectMovedWithEverything(aws, 'InService');
    expectDataRestored(aws);
    const [manifest] = objectsEndingWith(aws, '/manifest.json');
    expect(manifest).toMatchObject({ DataPlan: 'Backup', WasRunning: true, Backup: { Jupyter: 'stopped' } });
    expect(objectsEndingWith(aws, '/completed.json')).toHaveLength(1);
    const deleteAt = aws.calls.findIndex((call) => call.operation === 'DeleteNotebookInstance');
    const markerReadBefore = aws.calls
      .slice(0, deleteAt)
      .some(
        (call) => call.operation === 'GetObject' && String(call.params.Key).endsWith('backup-complete.json'),
      );
    expect(markerReadBefore).toBe(true);
    expect(execution.outputs.get('Finish.Summary')).toMatch(/SubnetId: none -> subnet-0aaaaaaaaaaaaaaa1/);
  });
});

withBoto3.describe('flow simulation: inputs and checks that change nothing', () => {
  it('accepts the ARN Security Hub passes, whose name part is lowercased', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const arn = `arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/${NAME.toLowerCase()}`;
    const execution = await remediate(aws, python(), { NotebookInstanceName: arn });
    expect(execution.status).toBe('Success');
    expect([...aws.sagemaker.notebooks.keys()]).toEqual([NAME]);
    expectMovedWithEverything(aws, 'InService');
    expectDataRestored(aws);
  });

  it('already compliant: succeeds with "already compliant, nothing changed" and no change', async () => {
    const aws = newAccount();
    const compliant = addNotebook(aws, {
      settings: {
        SubnetId: TARGET_SUBNET,
        SecurityGroups: [...TARGET_GROUPS].reverse(),
        DirectInternetAccess: 'Disabled',
      },
    });
    const execution = await remediate(aws, python());
    expect(execution.status).toBe('Success');
    expect(execution.outputs.get('ResolveNotebook.Result')).toBe('already compliant, nothing changed');
    expect(execution.steps.at(-1)?.name).toBe('AlreadyCompliantNothingChanged');
    expect(aws.mutatingCalls()).toEqual([]);
    expect(notebook(aws)).toBe(compliant);
  });

  it('already compliant needs no bucket', async () => {
    const aws = newAccount();
    addNotebook(aws, {
      settings: { SubnetId: TARGET_SUBNET, SecurityGroups: TARGET_GROUPS, DirectInternetAccess: 'Disabled' },
    });
    const execution = await remediate(aws, python(), { BackupBucketName: '' });
    expect(execution.status).toBe('Success');
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('an unknown subnet stops the run before anything changes', async () => {
    const aws = newAccount();
    const before = addNotebook(aws);
    const execution = await remediate(aws, python(), { SubnetId: 'subnet-0ccccccccccccccc1' });
    expect(execution.status).toBe('Failed');
    expect(execution.failure).toMatch(/Subnet subnet-0ccccccccccccccc1 does not exist/);
    expectUntouched(aws, before);
  });

  it('a security group from another VPC stops the run before anything changes', async () => {
    const aws = newAccount();
    const before = addNotebook(aws);
    const execution = await remediate(aws, python(), {
      SecurityGroupIds: [TARGET_GROUPS[0] as string, OTHER_GROUP],
    });
    expect(execution.status).toBe('Failed');
    expect(execution.failure).toMatch(new RegExp(`${OTHER_GROUP} are not in vpc-0aaaaaaaaaaaaaaaa`));
    expectUntouched(aws, before);
  });

  it('no bucket and AllowDataLoss=false stops the run before anything changes', async () => {
    const aws = newAccount(HAND_DEPLOYED);
    const before = addNotebook(aws);
    const execution = await remediate(aws, python(), { BackupBucketName: '' });
    expect(execution.status).toBe('Failed');
    expect(execution.failure).toMatch(/give a BackupBucketName, or set AllowDataLoss=true/);
    expectUntouched(aws, before);
  });

  it('a missing notebook without a manifest is an error', async () => {
    const aws = newAccount();
    const execution = await remediate(aws, python());
    expect(execution.failure).toMatch(
      /Notebook MyNotebook does not exist and no run of this runbook left it/,
    );
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('a notebook being deleted is an error', async () => {
    const aws = newAccount();
    addNotebook(aws, { status: 'Deleting' });
    const execution = await remediate(aws, python());
    expect(execution.failure).toMatch(/is being deleted/);
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('an unreachable bucket stops the run before anything changes', async () => {
    const aws = newAccount(HAND_DEPLOYED);
    const before = addNotebook(aws);
    const execution = await remediate(aws, python(), { BackupBucketName: 'no-such-bucket' });
    expect(execution.failure).toMatch(/Backup bucket no-such-bucket cannot be reached/);
    expectUntouched(aws, before);
  });
});
