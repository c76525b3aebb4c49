/**
 * The flow simulation: the shipped document, step by step, against a stateful fake AWS, with the script
 * steps' real Python. Each scenario asserts the calls made and the end state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeAws } from './simulation/fake-aws';
import type { Notebook } from './simulation/fake-sagemaker';
import {
  addNotebook,
  BUCKET,
  NAME,
  newAccount,
  ORIGINAL_FILES,
  ORIGINAL_SETTINGS,
  OTHER_GROUP,
  OTHER_SUBNET,
  OWN_CONFIG,
  objectsEndingWith,
  PythonBridge,
  remediate,
  TARGET_GROUPS,
  TARGET_SUBNET,
  USER_TAGS,
} from './simulation/world';

let python: PythonBridge;
beforeAll(() => {
  python = new PythonBridge();
});
afterAll(() => python.close());

const CARRIED_OVER = [
  'InstanceType',
  'RoleArn',
  'KmsKeyId',
  'VolumeSizeInGB',
  'AcceleratorTypes',
  'DefaultCodeRepository',
  'AdditionalCodeRepositories',
  'RootAccess',
  'PlatformIdentifier',
  'InstanceMetadataServiceConfiguration',
] as const;

function notebook(aws: FakeAws, name = NAME): Notebook {
  const found = aws.sagemaker.notebooks.get(name);
  if (!found) throw new Error(`${name} does not exist`);
  return found;
}

function expectMovedWithEverything(aws: FakeAws, status: string): void {
  const moved = notebook(aws);
  expect(moved.settings.SubnetId).toBe(TARGET_SUBNET);
  expect(moved.settings.SecurityGroups).toEqual(TARGET_GROUPS);
  expect(moved.settings.DirectInternetAccess).toBe('Disabled');
  for (const setting of CARRIED_OVER)
    expect(moved.settings[setting], setting).toEqual(ORIGINAL_SETTINGS[setting]);
  expect(moved.lifecycleConfigName).toBe(OWN_CONFIG);
  expect(moved.tags).toEqual(USER_TAGS);
  expect(moved.status).toBe(status);
  expect([...aws.sagemaker.lifecycleConfigs.keys()]).toEqual([OWN_CONFIG]);
}

function expectDataRestored(aws: FakeAws): void {
  const volume = notebook(aws).volume;
  for (const [path, content] of ORIGINAL_FILES) expect(volume.get(path), path).toBe(content);
}

function expectUntouched(aws: FakeAws, before: Notebook): void {
  expect(aws.mutatingCalls()).toEqual([]);
  expect(notebook(aws)).toBe(before);
  expect(before.settings.SubnetId).toBeUndefined();
}

describe('flow simulation', () => {
  it('happy path: backs up, recreates with every setting and tag in the subnet, restores the data', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const execution = await remediate(aws, python);
    expect(execution.failure).toBeUndefined();
    expect(execution.status).toBe('Success');
    expectMovedWithEverything(aws, 'InService');
    expectDataRestored(aws);
    const [manifest] = objectsEndingWith(aws, '/manifest.json');
    expect(manifest).toMatchObject({ State: 'Completed', DataPlan: 'Backup', WasRunning: true });
    expect(manifest?.Tags).toContainEqual({ Key: 'aws:cloudformation:stack-name', Value: 'notebooks' });
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

describe('flow simulation: inputs and checks that change nothing', () => {
  it('accepts the ARN Security Hub passes, whose name part is lowercased', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const arn = `arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/${NAME.toLowerCase()}`;
    const execution = await remediate(aws, python, { NotebookInstanceName: arn });
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
    const execution = await remediate(aws, python);
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
    const execution = await remediate(aws, python, { BackupBucketName: '' });
    expect(execution.status).toBe('Success');
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('an unknown subnet stops the run before anything changes', async () => {
    const aws = newAccount();
    const before = addNotebook(aws);
    const execution = await remediate(aws, python, { SubnetId: 'subnet-0ccccccccccccccc1' });
    expect(execution.status).toBe('Failed');
    expect(execution.failure).toMatch(/Subnet subnet-0ccccccccccccccc1 does not exist/);
    expectUntouched(aws, before);
  });

  it('a security group from another VPC stops the run before anything changes', async () => {
    const aws = newAccount();
    const before = addNotebook(aws);
    const execution = await remediate(aws, python, {
      SecurityGroupIds: [TARGET_GROUPS[0] as string, OTHER_GROUP],
    });
    expect(execution.status).toBe('Failed');
    expect(execution.failure).toMatch(new RegExp(`${OTHER_GROUP} are not in vpc-0aaaaaaaaaaaaaaaa`));
    expectUntouched(aws, before);
  });

  it('no bucket and AllowDataLoss=false stops the run before anything changes', async () => {
    const aws = newAccount();
    const before = addNotebook(aws);
    const execution = await remediate(aws, python, { BackupBucketName: '' });
    expect(execution.status).toBe('Failed');
    expect(execution.failure).toMatch(/give a BackupBucketName, or set AllowDataLoss=true/);
    expectUntouched(aws, before);
  });

  it('a missing notebook without a manifest is an error', async () => {
    const aws = newAccount();
    const execution = await remediate(aws, python);
    expect(execution.failure).toMatch(/Notebook MyNotebook does not exist and no unfinished manifest/);
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('a notebook being deleted is an error', async () => {
    const aws = newAccount();
    addNotebook(aws, { status: 'Deleting' });
    const execution = await remediate(aws, python);
    expect(execution.failure).toMatch(/is being deleted/);
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('an unreachable bucket stops the run before anything changes', async () => {
    const aws = newAccount();
    const before = addNotebook(aws);
    const execution = await remediate(aws, python, { BackupBucketName: 'no-such-bucket' });
    expect(execution.failure).toMatch(/Backup bucket no-such-bucket cannot be reached/);
    expectUntouched(aws, before);
  });
});

describe('flow simulation: the backup fails, nothing is deleted', () => {
  for (const outcome of ['never', 'fail'] as const) {
    it(`backup hook ${outcome === 'never' ? 'never completes' : 'reports failure'}: original state back, run fails`, async () => {
      const aws = newAccount();
      const original = addNotebook(aws);
      aws.sagemaker.hookOutcome.backup = outcome;
      const execution = await remediate(aws, python, { BackupTimeoutMinutes: '30' });
      expect(execution.status).toBe('Failed');
      expect(execution.failure).toMatch(/^VerifyBackup: NotVerified/);
      expect(execution.steps.at(-1)).toMatchObject({ name: 'FailBackupNotVerified', status: 'Failed' });
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
    const execution = await remediate(aws, python, { BackupTimeoutMinutes: '20' });
    expect(execution.status).toBe('Failed');
    expect(original.status).toBe('Stopped');
    expect(original.lifecycleConfigName).toBeUndefined();
    expect([...aws.sagemaker.lifecycleConfigs.keys()]).toEqual([OWN_CONFIG]);
  });

  it('a cancellation during the backup puts the notebook back', async () => {
    const aws = newAccount();
    const original = addNotebook(aws);
    const execution = await remediate(aws, python, {}, { cancelAt: 'VerifyBackup' });
    expect(execution.status).toBe('Failed');
    expect(aws.calls.some((call) => call.operation === 'DeleteNotebookInstance')).toBe(false);
    expect(original.status).toBe('InService');
    expect(original.lifecycleConfigName).toBe(OWN_CONFIG);
  });
});

describe('flow simulation: resuming after a failure past the delete', () => {
  it('create fails after the delete; a rerun finds the manifest and completes', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.sagemaker.createFailuresLeft = 4;
    const first = await remediate(aws, python);
    expect(first.status).toBe('Failed');
    expect(first.failure).toMatch(/^CreateNotebook: .*ResourceLimitExceeded/);
    expect(aws.sagemaker.notebooks.has(NAME)).toBe(false);
    expect(objectsEndingWith(aws, '/manifest.json')).toMatchObject([{ State: 'Deleting' }]);

    const rerun = await remediate(aws, python, { NotebookInstanceName: NAME.toLowerCase() });
    expect(rerun.status).toBe('Success');
    expect(rerun.outputs.get('ResolveNotebook.Mode')).toBe('ResumeCreate');
    expect(rerun.steps.map((step) => step.name)).not.toContain('DeleteNotebook');
    expectMovedWithEverything(aws, 'InService');
    expectDataRestored(aws);
    expect(objectsEndingWith(aws, '/manifest.json')).toMatchObject([{ State: 'Completed' }]);
  });

  it('the restore never completes; a rerun resumes the restore and completes', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.sagemaker.hookOutcome.restore = 'never';
    const first = await remediate(aws, python, { RestoreTimeoutMinutes: '45' });
    expect(first.failure).toMatch(/^VerifyRestore: NotVerified/);
    expect(notebook(aws).settings.SubnetId).toBe(TARGET_SUBNET);

    aws.sagemaker.hookOutcome.restore = 'complete';
    notebook(aws).status = 'Stopped'; // someone stopped it meanwhile: the resume must start it
    const rerun = await remediate(aws, python);
    expect(rerun.outputs.get('ResolveNotebook.Mode')).toBe('ResumeRestore');
    expect(rerun.status).toBe('Success');
    expectMovedWithEverything(aws, 'InService');
    expectDataRestored(aws);
  });
});

describe('flow simulation: other starting states', () => {
  it('a stopped notebook without a lifecycle configuration ends stopped, without one, data restored', async () => {
    const aws = newAccount();
    addNotebook(aws, { status: 'Stopped', lifecycleConfigName: null });
    const execution = await remediate(aws, python);
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
    const execution = await remediate(aws, python);
    expect(execution.status).toBe('Success');
    expectMovedWithEverything(aws, 'InService');
  });

  it('AllowDataLoss=true without a bucket recreates without a backup', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const execution = await remediate(aws, python, { BackupBucketName: '', AllowDataLoss: 'true' });
    expect(execution.status).toBe('Success');
    expectMovedWithEverything(aws, 'InService');
    expect(notebook(aws).volume.has('analysis.ipynb')).toBe(false);
    expect(aws.s3.keys(BUCKET, '')).toEqual([]);
  });

  it('a Failed notebook with AllowDataLoss=true: manifest only, recreated and left stopped', async () => {
    const aws = newAccount();
    addNotebook(aws, { status: 'Failed' });
    const execution = await remediate(aws, python, { AllowDataLoss: 'true' });
    expect(execution.status).toBe('Success');
    expect(execution.outputs.get('ResolveNotebook.DataPlan')).toBe('ManifestOnly');
    expect(aws.calls.some((call) => call.operation === 'StartNotebookInstance')).toBe(false);
    expectMovedWithEverything(aws, 'Stopped');
    expect(objectsEndingWith(aws, '/manifest.json')).toMatchObject([{ State: 'Completed', Backup: null }]);
  });

  it('a Failed notebook that cannot start: the backup attempt fails and nothing is deleted', async () => {
    const aws = newAccount();
    const failed = addNotebook(aws, { status: 'Failed' });
    aws.sagemaker.failedNotebookCanStart = false;
    const execution = await remediate(aws, python);
    expect(execution.failure).toMatch(/^AttachBackupConfig: .*Status \(Failed\)/);
    expect(aws.calls.some((call) => call.operation === 'DeleteNotebookInstance')).toBe(false);
    expect(failed.lifecycleConfigName).toBe(OWN_CONFIG);
  });

  it('a Failed notebook that can start is backed up and moved with its data', async () => {
    const aws = newAccount();
    addNotebook(aws, { status: 'Failed' });
    aws.sagemaker.failedNotebookCanStart = true;
    const execution = await remediate(aws, python);
    expect(execution.status).toBe('Success');
    expectMovedWithEverything(aws, 'Stopped');
    expectDataRestored(aws);
  });

  it('moves a notebook from one subnet to another', async () => {
    const aws = newAccount();
    addNotebook(aws, {
      settings: { SubnetId: OTHER_SUBNET, SecurityGroups: [OTHER_GROUP], DirectInternetAccess: 'Disabled' },
    });
    const execution = await remediate(aws, python);
    expect(execution.status).toBe('Success');
    expect(execution.outputs.get('Finish.SubnetId')).toBe(`${OTHER_SUBNET} -> ${TARGET_SUBNET}`);
    expectDataRestored(aws);
  });
});
