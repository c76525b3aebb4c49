/**
 * The flow simulation (see flow.test.ts): a backup that fails, runs resumed after a failure past the
 * delete, and other starting states.
 */
import { expect, it } from 'vitest';
import { withBoto3 } from '../support/needs-python';
import { expectDataRestored, expectMovedWithEverything, notebook } from './simulation/expectations';
import {
  addNotebook,
  BUCKET,
  HAND_DEPLOYED,
  NAME,
  newAccount,
  ORIGINAL_FILES,
  OTHER_GROUP,
  OTHER_SUBNET,
  OWN_CONFIG,
  objectsEndingWith,
  pythonBridgePerFile,
  remediate,
  TARGET_SUBNET,
} from './simulation/world';

const python = pythonBridgePerFile();

withBoto3.describe('flow simulation: the backup fails, nothing is deleted', () => {
  for (const outcome of ['never', 'fail'] as const) {
    it(`backup hook ${outcome === 'never' ? 'never completes' : 'reports failure'}: original state back, run fails`, async () => {
      const aws = newAccount();
      const original = addNotebook(aws);
      aws.sagemaker.hookOutcome.backup = outcome;
      const execution = await remediate(aws, python(), { BackupTimeoutMinutes: '30' });
      expect(execution.status).toBe('Failed');
      expect(execution.failure).toMatch(/^VerifyBackup: NotVerified/);
      expect(execution.steps.at(-1)).toMatchObject({ name: 'FailPutBack', status: 'Failed' });
      expect(aws.calls.some((call) => call.operation === 'DeleteNotebookInstance')).toBe(false);
      expect(notebook(aws)).toBe(original);
      expect(original.status).toBe('InService');
      expect(original.lifecycleConfigName).toBe(OWN_CONFIG);
      expect(original.settings.SubnetId).toBeUndefined();
      expect(original.volume).toEqual(new Map(ORIGINAL_FILES));
      expect([...aws.sagemaker.lifecycleConfigs.keys()]).toEqual([OWN_CONFIG]);
    });
  }

  it('a stopped notebook without a lifecycle configuration is left stopped and without one', async () => {
    const aws = newAccount();
    const original = addNotebook(aws, { status: 'Stopped', lifecycleConfigName: null });
    aws.sagemaker.hookOutcome.backup = 'never';
    const execution = await remediate(aws, python(), { BackupTimeoutMinutes: '20' });
    expect(execution.status).toBe('Failed');
    expect(original.status).toBe('Stopped');
    expect(original.lifecycleConfigName).toBeUndefined();
    expect([...aws.sagemaker.lifecycleConfigs.keys()]).toEqual([OWN_CONFIG]);
  });

  it('a cancellation during the backup puts the notebook back', async () => {
    const aws = newAccount();
    const original = addNotebook(aws);
    const execution = await remediate(aws, python(), {}, { cancelAt: 'VerifyBackup' });
    expect(execution.status).toBe('Failed');
    expect(aws.calls.some((call) => call.operation === 'DeleteNotebookInstance')).toBe(false);
    expect(original.status).toBe('InService');
    expect(original.lifecycleConfigName).toBe(OWN_CONFIG);
  });
});

withBoto3.describe('flow simulation: resuming after a failure past the delete', () => {
  it('create fails after the delete; a rerun finds the manifest and completes', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.sagemaker.createFailuresLeft = 4;
    const first = await remediate(aws, python());
    expect(first.status).toBe('Failed');
    expect(first.failure).toMatch(/^CreateNotebook: .*ResourceLimitExceeded/);
    expect(aws.sagemaker.notebooks.has(NAME)).toBe(false);
    expect(objectsEndingWith(aws, '/manifest.json')).toHaveLength(1);
    expect(objectsEndingWith(aws, '/completed.json')).toEqual([]);

    const rerun = await remediate(aws, python(), { NotebookInstanceName: NAME.toLowerCase() });
    expect(rerun.status).toBe('Success');
    expect(rerun.outputs.get('ResolveNotebook.Mode')).toBe('ResumeCreate');
    expect(rerun.steps.map((step) => step.name)).not.toContain('DeleteNotebook');
    expectMovedWithEverything(aws, 'InService');
    expectDataRestored(aws);
    expect(objectsEndingWith(aws, '/completed.json')).toHaveLength(1);
  });

  it('the restore never completes; a rerun resumes the restore and completes', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.sagemaker.hookOutcome.restore = 'never';
    const first = await remediate(aws, python(), { RestoreTimeoutMinutes: '45' });
    expect(first.failure).toMatch(/^VerifyRestore: NotVerified/);
    expect(notebook(aws).settings.SubnetId).toBe(TARGET_SUBNET);

    aws.sagemaker.hookOutcome.restore = 'complete';
    notebook(aws).status = 'Stopped'; // someone stopped it meanwhile: the resume must start it
    const rerun = await remediate(aws, python());
    expect(rerun.outputs.get('ResolveNotebook.Mode')).toBe('ResumeRestore');
    expect(rerun.status).toBe('Success');
    expectMovedWithEverything(aws, 'InService');
    expectDataRestored(aws);
  });
});

withBoto3.describe('flow simulation: network needs', () => {
  it('a target subnet without a route to S3: the restore fails, the data stays safe, a rerun completes once it has one', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.subnets.set(TARGET_SUBNET, {
      VpcId: 'vpc-0aaaaaaaaaaaaaaaa',
      AvailabilityZone: 'eu-west-1a',
      reachesS3: false,
    });
    const first = await remediate(aws, python(), { RestoreTimeoutMinutes: '30' });
    expect(first.failure).toMatch(/^VerifyRestore: NotVerified/);
    expect(objectsEndingWith(aws, '/backup-complete.json')).toMatchObject([{ Status: 'ok' }]);

    aws.subnets.set(TARGET_SUBNET, {
      VpcId: 'vpc-0aaaaaaaaaaaaaaaa',
      AvailabilityZone: 'eu-west-1a',
      reachesS3: true,
    });
    notebook(aws).status = 'Stopped';
    const rerun = await remediate(aws, python());
    expect(rerun.status).toBe('Success');
    expectMovedWithEverything(aws, 'InService');
    expectDataRestored(aws);
  });
});

withBoto3.describe('flow simulation: other starting states', () => {
  it('a stopped notebook without a lifecycle configuration ends stopped, without one, data restored', async () => {
    const aws = newAccount();
    addNotebook(aws, { status: 'Stopped', lifecycleConfigName: null });
    const execution = await remediate(aws, python());
    expect(execution.status).toBe('Success');
    expect(notebook(aws).status).toBe('Stopped');
    expect(notebook(aws).lifecycleConfigName).toBeUndefined();
    expect([...aws.sagemaker.lifecycleConfigs.keys()]).toEqual([OWN_CONFIG]);
    expectDataRestored(aws);
  });

  it('a Pending notebook is waited out, then moved', async () => {
    const aws = newAccount();
    const pending = addNotebook(aws, { status: 'Pending' });
    aws.clock.schedule(400, () => {
      pending.status = 'InService';
    });
    const execution = await remediate(aws, python());
    expect(execution.status).toBe('Success');
    expectMovedWithEverything(aws, 'InService');
  });

  it('AllowDataLoss=true without a bucket recreates without a backup (a hand-deployed runbook)', async () => {
    const aws = newAccount(HAND_DEPLOYED);
    addNotebook(aws);
    const execution = await remediate(aws, python(), { BackupBucketName: '', AllowDataLoss: 'true' });
    expect(execution.status).toBe('Success');
    expectMovedWithEverything(aws, 'InService');
    expect(notebook(aws).volume.has('analysis.ipynb')).toBe(false);
    expect(aws.s3.keys(BUCKET, '')).toEqual([]);
  });

  it('a Failed notebook with AllowDataLoss=true: manifest only, recreated and left stopped', async () => {
    const aws = newAccount();
    addNotebook(aws, { status: 'Failed' });
    const execution = await remediate(aws, python(), { AllowDataLoss: 'true' });
    expect(execution.status).toBe('Success');
    expect(execution.outputs.get('ResolveNotebook.DataPlan')).toBe('ManifestOnly');
    expect(aws.calls.some((call) => call.operation === 'StartNotebookInstance')).toBe(false);
    expectMovedWithEverything(aws, 'Stopped');
    expect(objectsEndingWith(aws, '/manifest.json')).toMatchObject([{ Backup: null }]);
    expect(objectsEndingWith(aws, '/completed.json')).toHaveLength(1);
  });

  it('a Failed notebook that cannot start: the backup attempt fails and nothing is deleted', async () => {
    const aws = newAccount();
    const failed = addNotebook(aws, { status: 'Failed' });
    aws.sagemaker.failedNotebookCanStart = false;
    const execution = await remediate(aws, python());
    expect(execution.failure).toMatch(/^AttachHookConfig: .*Status \(Failed\)/);
    expect(aws.calls.some((call) => call.operation === 'DeleteNotebookInstance')).toBe(false);
    expect(failed.lifecycleConfigName).toBe(OWN_CONFIG);
  });

  it('a Failed notebook that can start is backed up and moved with its data', async () => {
    const aws = newAccount();
    addNotebook(aws, { status: 'Failed' });
    aws.sagemaker.failedNotebookCanStart = true;
    const execution = await remediate(aws, python());
    expect(execution.status).toBe('Success');
    expectMovedWithEverything(aws, 'Stopped');
    expectDataRestored(aws);
  });

  it('moves a notebook from one subnet to another', async () => {
    const aws = newAccount();
    addNotebook(aws, {
      settings: { SubnetId: OTHER_SUBNET, SecurityGroups: [OTHER_GROUP], DirectInternetAccess: 'Disabled' },
    });
    const execution = await remediate(aws, python());
    expect(execution.status).toBe('Success');
    expect(execution.outputs.get('Finish.SubnetId')).toBe(`${OTHER_SUBNET} -> ${TARGET_SUBNET}`);
    expectDataRestored(aws);
  });
});
