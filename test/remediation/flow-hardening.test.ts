/**
 * The flow simulation (see flow.test.ts) under issue 9's attacks and accidents: a co-tenant's files in the bucket,
 * a tampered manifest or archive, a user still typing, a second remediation, a notebook replaced under the same
 * name, a target the deployed rule would flag, a flooded prefix. Test names carry the issue's case numbers.
 */
import { expect, it } from 'vitest';
import { withBoto3 } from '../support/needs-python';
import { expectDataRestored, expectMovedWithEverything, notebook } from './simulation/expectations';
import type { FakeAws } from './simulation/fake-aws';
import { type Notebook, TIMINGS } from './simulation/fake-sagemaker';
import {
  addNotebook,
  BUCKET,
  DEPLOYED_SETTINGS,
  HAND_DEPLOYED,
  NAME,
  newAccount,
  ORIGINAL_FILES,
  OTHER_GROUP,
  OTHER_SUBNET,
  OTHER_VPC,
  OWN_CONFIG,
  objectsEndingWith,
  PREFIX,
  pythonBridgePerFile,
  ROLE_ARN,
  ROLE_ID,
  remediate,
  TARGET_SUBNET,
  TARGET_VPC,
} from './simulation/world';
import { AwsError } from './simulation/world-basics';

const python = pythonBridgePerFile();

const calls = (aws: FakeAws, operation: string) => aws.calls.filter((call) => call.operation === operation);
const deleted = (aws: FakeAws) => calls(aws, 'DeleteNotebookInstance').length > 0;
const keys = (aws: FakeAws, prefix = '') => aws.s3.keys(BUCKET, prefix);

/** The notebook as it was: the same one (never deleted), outside a VPC, its own configuration, running, its data. */
function expectAsItWas(aws: FakeAws, original: Notebook): void {
  expect(notebook(aws)).toBe(original);
  expect(original.settings.SubnetId).toBeUndefined();
  expect(original.lifecycleConfigName).toBe(OWN_CONFIG);
  expect(original.status).toBe('InService');
  for (const [path, content] of ORIGINAL_FILES) expect(original.volume.get(path), path).toBe(content);
  expect([...aws.sagemaker.lifecycleConfigs.keys()]).toEqual([OWN_CONFIG]);
}

/** Runs `change` when the backup's notebook start is answered, `seconds` later (while the copy runs: 240 s). */
function duringTheBackup(aws: FakeAws, seconds: number, change: () => void): void {
  let scheduled = false;
  aws.faults.push((call) => {
    if (!scheduled && call.operation === 'StartNotebookInstance') {
      scheduled = true;
      aws.clock.schedule(TIMINGS.start + seconds, change);
    }
    return undefined;
  });
}

withBoto3.describe('§1 each notebook role session keeps to its own area', () => {
  it("§1 the archive and its markers are in the notebook role session's own area; the runbook's records in its own", async () => {
    const aws = newAccount();
    addNotebook(aws);
    const run = await remediate(aws, python());
    expect(run.status).toBe('Success');
    const backupId = String(run.outputs.get('ResolveNotebook.BackupId'));
    expect(keys(aws).sort()).toEqual(
      [
        `${PREFIX}/data/${ROLE_ID}:SageMaker/${NAME}/${backupId}/backup-complete.json`,
        `${PREFIX}/data/${ROLE_ID}:SageMaker/${NAME}/${backupId}/restore-complete.json`,
        `${PREFIX}/data/${ROLE_ID}:SageMaker/${NAME}/${backupId}/volume.tar`,
        `${PREFIX}/runs/mynotebook/${backupId}/backup.json`,
        `${PREFIX}/runs/mynotebook/${backupId}/completed.json`,
        `${PREFIX}/runs/mynotebook/${backupId}/manifest.json`,
      ].sort(),
    );
  });

  it('§1 a session name other than "SageMaker" works too: the runbook finds the role\'s session by listing its areas', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.sagemaker.sessionName = 'i-0123456789abcdef0';
    const run = await remediate(aws, python());
    expect(run.failure).toBeUndefined();
    expect(keys(aws, `${PREFIX}/data/${ROLE_ID}:i-0123456789abcdef0/`)).toHaveLength(3);
    expectDataRestored(aws);
  });
});

withBoto3.describe('§2 the runbook trusts nothing a notebook can write', () => {
  const forgedId = '99999999-9999-4999-8999-999999999999';
  const forged = {
    ExecutionId: forgedId,
    BackupId: forgedId,
    DataPlan: 'Backup',
    WasRunning: true,
    Notebook: {
      NotebookInstanceName: NAME,
      InstanceType: 'ml.p4d.24xlarge',
      RoleArn: ROLE_ARN,
      RootAccess: 'Enabled',
    },
    Tags: [],
    Backup: { UserId: `${ROLE_ID}:SageMaker`, Sha256: '0'.repeat(64) },
  };

  it('§2 a manifest a notebook role forged under the prefix is not trusted: nothing is created from it', async () => {
    const aws = newAccount();
    // Written as a co-tenant would, were the bucket policy missing (an existing bucket): the runbook must not care.
    aws.s3.put(BUCKET, `${PREFIX}/runs/mynotebook/${forgedId}/manifest.json`, JSON.stringify(forged));
    const run = await remediate(aws, python());
    expect(run.status).toBe('Failed');
    expect(run.failure).toMatch(/does not exist and no run of this runbook left it deleted/);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(aws.sagemaker.notebooks.size).toBe(0);
  });

  it('§2 a manifest changed after the runbook wrote it is not trusted: the resume is refused', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.sagemaker.createFailuresLeft = 4;
    const first = await remediate(aws, python());
    expect(first.failure).toMatch(/^CreateNotebook: .*ResourceLimitExceeded/);
    const [key] = keys(aws, `${PREFIX}/runs/`).filter((candidate) => candidate.endsWith('/manifest.json'));
    const manifest = JSON.parse(aws.s3.get(BUCKET, key as string) ?? '{}');
    manifest.Notebook.RootAccess = 'Enabled';
    aws.s3.put(BUCKET, key as string, JSON.stringify(manifest));
    const rerun = await remediate(aws, python());
    expect(rerun.failure).toMatch(/does not exist and no run of this runbook left it deleted/);
    expect(calls(aws, 'CreateNotebookInstance').slice(4)).toEqual([]);
  });

  it('§2 the permission pre-check runs on the resume path too: refused before the create', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.sagemaker.createFailuresLeft = 4;
    await remediate(aws, python());
    aws.iam.passableRoles.clear();
    const rerun = await remediate(aws, python());
    expect(rerun.failure).toMatch(/may not recreate MyNotebook: iam:PassRole .*allowedNotebookRoles/);
    expect(calls(aws, 'CreateNotebookInstance')).toHaveLength(4); // the first run's attempts only
  });
});

withBoto3.describe('§3 a backup is verified before anything is deleted, and again by the restore', () => {
  it('§3 an archive in S3 that is not the one its marker describes stops the run before the delete', async () => {
    const aws = newAccount();
    const original = addNotebook(aws);
    let truncated = false;
    aws.faults.push((call) => {
      const key = String(call.params.Key ?? '');
      if (!truncated && call.operation === 'GetObject' && key.endsWith('/backup-complete.json')) {
        truncated = true;
        aws.s3.put(BUCKET, key.replace('backup-complete.json', 'volume.tar'), '[["analysis.ipynb"');
      }
      return undefined;
    });
    const run = await remediate(aws, python(), { BackupTimeoutMinutes: '20' });
    expect(run.failure).toMatch(/^VerifyBackup: NotVerified: The archive holds \d+ bytes/);
    expectAsItWas(aws, original);
  });

  it('§3 an archive replaced after it was verified fails the restore check; the verified version stays in S3', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.faults.push((call) => {
      if (call.operation === 'CreateNotebookInstance') {
        const [archive] = keys(aws).filter((key) => key.endsWith('/volume.tar'));
        aws.s3.put(BUCKET, archive as string, JSON.stringify([['analysis.ipynb', 'planted']]));
      }
      return undefined;
    });
    const run = await remediate(aws, python(), { RestoreTimeoutMinutes: '20' });
    expect(run.failure).toMatch(/^VerifyRestore: NotVerified: .*reports mismatch/);
    expect(objectsEndingWith(aws, '/completed.json')).toEqual([]);
    const [archive] = keys(aws).filter((key) => key.endsWith('/volume.tar'));
    expect(aws.s3.bucket(BUCKET).get(archive as string)).toHaveLength(2); // the verified version is kept
  });
});

withBoto3.describe('§4 no edit is lost during the backup', () => {
  it('§4 a user saving while the backup runs: Jupyter is stopped, the save is refused, and the run says so', async () => {
    const aws = newAccount();
    const original = addNotebook(aws);
    const saves: boolean[] = [];
    duringTheBackup(aws, 100, () => saves.push(aws.sagemaker.userSaves(original, 'analysis.ipynb', 'typed')));
    const run = await remediate(aws, python());
    expect(run.status).toBe('Success');
    expect(saves).toEqual([false]);
    expect(run.outputs.get('Finish.Summary')).toMatch(/Jupyter stopped during the backup/);
    expectDataRestored(aws);
  });

  it('§4 a process writing after the archive was made: the run stops before the delete and the notebook is as it was', async () => {
    const aws = newAccount();
    const original = addNotebook(aws);
    aws.faults.push((call) => {
      if (call.operation === 'StopNotebookInstance' && original.lifecycleConfigName?.startsWith('vpc-guard-'))
        original.volume.set('training.log', 'epoch 12');
      return undefined;
    });
    const run = await remediate(aws, python());
    expect(run.failure).toMatch(/^PrepareManifest: NotVerified: .*marker changed.*nothing was deleted/);
    expectAsItWas(aws, original);
    expect(notebook(aws).volume.get('training.log')).toBe('epoch 12');
  });

  it('§4 a process writing while the archive is made: the marker says changed, nothing is deleted', async () => {
    const aws = newAccount();
    const original = addNotebook(aws);
    duringTheBackup(aws, 100, () => original.volume.set('training.log', 'epoch 3'));
    const run = await remediate(aws, python(), { BackupTimeoutMinutes: '20' });
    expect(run.failure).toMatch(/^VerifyBackup: NotVerified: .*reports changed/);
    expectAsItWas(aws, original);
  });
});

withBoto3.describe('§5 a second remediation of the same notebook completes', () => {
  it('§5 remediate to subnet A, then to subnet B: both complete, with the data', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const toA = await remediate(aws, python());
    expect(toA.failure).toBeUndefined();
    expectMovedWithEverything(aws, 'InService');
    const toB = await remediate(aws, python(), { SubnetId: OTHER_SUBNET, SecurityGroupIds: [OTHER_GROUP] });
    expect(toB.failure).toBeUndefined();
    expect(toB.outputs.get('Finish.SubnetId')).toBe(`${TARGET_SUBNET} -> ${OTHER_SUBNET}`);
    expectDataRestored(aws);
    expect(objectsEndingWith(aws, '/completed.json')).toHaveLength(2);
  });

  it('§5 markers older than the run are ignored: a resume after a failed restore waits for the new attempt', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.sagemaker.hookOutcome.restore = 'fail';
    const first = await remediate(aws, python(), { RestoreTimeoutMinutes: '30' });
    expect(first.failure).toMatch(/^VerifyRestore: NotVerified: .*reports failed/);
    aws.sagemaker.hookOutcome.restore = 'complete';
    notebook(aws).status = 'Stopped';
    const rerun = await remediate(aws, python());
    expect(rerun.outputs.get('ResolveNotebook.Mode')).toBe('ResumeRestore');
    expect(rerun.failure).toBeUndefined();
    expectDataRestored(aws);
  });
});

withBoto3.describe('§6 the notebook deleted is the one backed up', () => {
  it('§6 a same-name notebook created meanwhile is never deleted without its own backup', async () => {
    const aws = newAccount();
    addNotebook(aws);
    let replaced = false;
    aws.faults.push((call) => {
      if (!replaced && call.operation === 'DeleteNotebookInstanceLifecycleConfig') {
        replaced = true; // the owner deletes the notebook and creates another one under its name
        aws.clock.advance(60);
        addNotebook(aws, { status: 'Stopped' }).volume = new Map([['new-work.ipynb', 'not backed up']]);
      }
      return undefined;
    });
    const run = await remediate(aws, python());
    expect(run.failure).toMatch(
      /^PrepareManifest: RuntimeError: The notebook is no longer the one this run started with/,
    );
    expect(deleted(aws)).toBe(false);
    expect(notebook(aws).volume.get('new-work.ipynb')).toBe('not backed up');
    expect(notebook(aws).lifecycleConfigName).toBe(OWN_CONFIG); // the newcomer is not touched either
  });

  it('§6 "deleted" is recorded only once the delete succeeded: a resume never recreates a notebook its owner deleted later', async () => {
    const aws = newAccount();
    const original = addNotebook(aws);
    let refused = false;
    aws.faults.push((call) => {
      if (refused || call.operation !== 'DeleteNotebookInstance') return undefined;
      refused = true;
      return new AwsError('ThrottlingException', 'Rate exceeded');
    });
    const first = await remediate(aws, python());
    expect(first.failure).toMatch(/^PrepareManifest: .*ThrottlingException/);
    expectAsItWas(aws, original);
    aws.sagemaker.notebooks.delete(NAME); // the owner deletes it, on purpose
    const rerun = await remediate(aws, python());
    expect(rerun.failure).toMatch(
      /Notebook MyNotebook does not exist and no run of this runbook left it deleted/,
    );
    expect(calls(aws, 'CreateNotebookInstance')).toEqual([]);
  });
});

withBoto3.describe('§7 the runbook refuses a target the deployed rule would flag, before any change', () => {
  const refused = async (aws: FakeAws, parameters: Record<string, string | string[]> = {}) => {
    const before = addNotebook(aws);
    const run = await remediate(aws, python(), parameters);
    expect(run.status).toBe('Failed');
    expect(aws.mutatingCalls()).toEqual([]);
    expect(notebook(aws)).toBe(before);
    return String(run.failure);
  };

  it("§7 a subnet outside the rule's SubnetIds, or a VPC outside its VpcIds", async () => {
    const rule = { ...DEPLOYED_SETTINGS.Rule, SubnetIds: OTHER_SUBNET, VpcIds: OTHER_VPC };
    expect(await refused(newAccount({ ...DEPLOYED_SETTINGS, Rule: rule }))).toMatch(
      `would flag a notebook in this target: Subnet ${TARGET_SUBNET} not approved; VPC ${TARGET_VPC} not approved`,
    );
  });

  it('§7 direct internet access when the rule requires it disabled', async () => {
    expect(await refused(newAccount(), { DirectInternetAccess: 'Enabled' })).toMatch(
      /would flag a notebook in this target: Direct internet access enabled/,
    );
  });

  it('§7 a public subnet when the rule requires a private one, and open ingress when it forbids it', async () => {
    const aws = newAccount({
      ...DEPLOYED_SETTINGS,
      Rule: { ...DEPLOYED_SETTINGS.Rule, ForbidOpenIngress: 'true' },
    });
    aws.routeTables.push({
      RouteTableId: 'rtb-public',
      VpcId: TARGET_VPC,
      Associations: [{ SubnetId: TARGET_SUBNET }],
      Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0123' }],
    });
    aws.ingress.set('sg-0aaaaaaaaaaaaaaa2', [{ IpProtocol: 'tcp', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    expect(await refused(aws)).toMatch(
      /Public subnet: rtb-public routes 0\.0\.0\.0\/0 to igw-0123; Open ingress: sg-0aaaaaaaaaaaaaaa2 from 0\.0\.0\.0\/0/,
    );
  });

  it('§7 the bucket and rule come from the deployed document: a starter cannot point the backup elsewhere', async () => {
    const aws = newAccount();
    aws.s3.buckets.set('attacker-sagemaker-data', new Map());
    expect(await refused(aws, { BackupBucketName: 'attacker-sagemaker-data' })).toMatch(
      /BackupBucketName attacker-sagemaker-data is not the deployed one \(vpc-guard-backups\)/,
    );
  });

  it("§7 a create the automation role's guardrail conditions would deny is refused by the pre-check, not after the delete", async () => {
    const aws = newAccount(HAND_DEPLOYED);
    aws.iam.createConditions = { approvedSubnetIds: [OTHER_SUBNET] };
    expect(await refused(aws)).toMatch(
      /sagemaker:CreateNotebookInstance on .* \(implicitDeny; stack setting remediation target\)/,
    );
  });
});

withBoto3.describe('§9 smaller holes', () => {
  it("§9 listing is limited to the notebook's own areas, with a delimiter: flooding the prefix costs nothing", async () => {
    const run = async (flood: boolean) => {
      const aws = newAccount();
      addNotebook(aws);
      if (flood) {
        for (let index = 0; index < 500; index += 1) {
          aws.s3.put(BUCKET, `${PREFIX}/data/AROAEXAMPLEOTHERTEAM:SageMaker/x/${index}`, 'flood');
          aws.s3.put(BUCKET, `${PREFIX}/runs/othernotebook/${index}/manifest.json`, '{}');
        }
      }
      aws.sagemaker.createFailuresLeft = 4;
      await remediate(aws, python());
      await remediate(aws, python());
      return calls(aws, 'ListObjectsV2').map((call) => call.params);
    };
    const listings = await run(true);
    expect(listings).toEqual(await run(false));
    for (const listing of listings) {
      expect(listing.Delimiter).toBe('/');
      expect(String(listing.Prefix)).toMatch(new RegExp(`^${PREFIX}/(runs/mynotebook/|data/${ROLE_ID}:)$`));
    }
  });

  it('§9 a marker over the size cap is refused unread: nothing is deleted', async () => {
    const aws = newAccount();
    const original = addNotebook(aws);
    let flooded = false;
    aws.faults.push((call) => {
      const key = String(call.params.Key ?? '');
      if (!flooded && call.operation === 'GetObject' && key.endsWith('/backup-complete.json')) {
        flooded = true;
        aws.s3.put(BUCKET, key, `{"Status":"ok","Padding":"${'x'.repeat(70_000)}"}`);
      }
      return undefined;
    });
    const run = await remediate(aws, python(), { BackupTimeoutMinutes: '20' });
    expect(run.failure).toMatch(/^VerifyBackup: NotVerified: .* holds 700\d\d bytes: not a record of ours/);
    expectAsItWas(aws, original);
  });

  it("§9 only a completed run is tagged for expiry: an unfinished run's backup is kept", async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.sagemaker.createFailuresLeft = 4;
    await remediate(aws, python());
    const tagged = () =>
      keys(aws).filter((key) => aws.s3.latest(BUCKET, key)?.tags.some((tag) => tag.Value === 'completed'));
    expect(tagged()).toEqual([]);
    await remediate(aws, python());
    expect(tagged()).toEqual(keys(aws));
  });
});
