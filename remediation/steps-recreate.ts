/**
 * Phase 3: recreate. Stop, write the manifest (re-checking the backup), delete, create from the manifest,
 * restore the data on first start, put the original lifecycle configuration back, and leave the notebook
 * running or stopped as it was. A failure past the delete is resumed by a rerun (ResolveNotebook finds the
 * manifest and jumps to PrepareManifest).
 */
import { assertStatus, branch, equals, output, sagemakerCall, script, waitForStatus } from './builders';
import { parameter } from './parameters';
import { backupLocation, VERIFY_MAX_ATTEMPTS } from './steps-backup';
import { NOTEBOOK, resolved } from './steps-check';
import { putOwnLifecycleConfigBack } from './steps-lifecycle';
import type { Step } from './types';

const MANIFEST = output('PrepareManifest', 'Manifest');
const IS_BACKUP = equals(resolved('DataPlan'), 'Backup');
const WAS_RUNNING = equals(resolved('WasRunning'), 'true');
const RESUME_RESTORE = equals(resolved('Mode'), 'ResumeRestore');
const byName = { NotebookInstanceName: NOTEBOOK };
const targetNetwork = {
  SubnetId: parameter('SubnetId'),
  SecurityGroupIds: parameter('SecurityGroupIds'),
  DirectInternetAccess: parameter('DirectInternetAccess'),
};

export const recreateSteps: readonly Step[] = [
  branch(
    'ChooseStopBeforeDelete',
    [{ NextStep: 'StopBeforeDelete', And: [WAS_RUNNING, { Not: [IS_BACKUP] }] }],
    'WaitStoppedBeforeDelete',
  ),
  sagemakerCall('StopBeforeDelete', 'StopNotebookInstance', byName),
  waitForStatus('WaitStoppedBeforeDelete', NOTEBOOK, ['Stopped', 'Failed'], 900),
  script(
    'PrepareManifest',
    'prepare_manifest',
    {
      Mode: resolved('Mode'),
      ...backupLocation,
      ManifestKey: resolved('ManifestKey'),
      DataPlan: resolved('DataPlan'),
      WasRunning: resolved('WasRunning'),
      ExecutionId: '{{ automation:EXECUTION_ID }}',
      ...targetNetwork,
    },
    ['Manifest', 'PreparedAt'],
    {
      description:
        'Re-check the backup; write the full configuration and tags next to it (resume: read them).',
    },
  ),
  branch(
    'ChooseDelete',
    [
      { NextStep: 'CreateNotebook', ...equals(resolved('Mode'), 'ResumeCreate') },
      { NextStep: 'StartForRestore', And: [RESUME_RESTORE, equals(resolved('NeedsStart'), 'true')] },
      { NextStep: 'WaitCreated', ...RESUME_RESTORE },
      { NextStep: 'Finish', ...equals(resolved('Mode'), 'ResumeFinish') },
    ],
    'DeleteNotebook',
  ),
  sagemakerCall('DeleteNotebook', 'DeleteNotebookInstance', byName),
  script(
    'CreateNotebook',
    'create_notebook',
    {
      Manifest: MANIFEST,
      ...targetNetwork,
      ...backupLocation,
      RestoreConfigName: resolved('RestoreConfigName'),
      Region: '{{ global:REGION }}',
    },
    ['NotebookArn', 'CreatedAt'],
    { maxAttempts: 4, description: 'Wait for the delete; restore hook; create with every setting and tag.' },
  ),
  waitForStatus('WaitCreated', NOTEBOOK, ['InService', 'Failed'], 1800),
  assertStatus('AssertCreated', NOTEBOOK, ['InService']),
  branch('ChooseVerifyRestore', [{ NextStep: 'VerifyRestore', ...IS_BACKUP }], 'Finish'),
  script(
    'VerifyRestore',
    'verify_restore',
    {
      ...backupLocation,
      StartedAt: output('PrepareManifest', 'PreparedAt'),
      TimeoutMinutes: parameter('RestoreTimeoutMinutes'),
    },
    ['FileCount', 'TotalBytes'],
    { maxAttempts: VERIFY_MAX_ATTEMPTS },
  ),
  sagemakerCall('StopAfterRestore', 'StopNotebookInstance', byName),
  waitForStatus('WaitStoppedAfterRestore', NOTEBOOK, ['Stopped', 'Failed'], 900),
  ...putOwnLifecycleConfigBack('AfterRestore'),
  script(
    'Finish',
    'finish',
    {
      Manifest: MANIFEST,
      BackupBucketName: parameter('BackupBucketName'),
      ManifestKey: resolved('ManifestKey'),
      BackupUri: resolved('BackupUri'),
      RestoreConfigName: resolved('RestoreConfigName'),
    },
    ['SubnetId', 'SecurityGroupIds', 'DirectInternetAccess', 'Backup', 'FinalStatus', 'Summary'],
    {
      isEnd: true,
      maxAttempts: 3,
      description:
        'Running if it was, else stopped; temporary configuration deleted; manifest completed; report.',
    },
  ),
];

/** Resuming an unfinished restore on a stopped notebook: the restore hook runs on start. */
export const startForRestoreStep: Step = sagemakerCall('StartForRestore', 'StartNotebookInstance', byName, {
  nextStep: 'WaitCreated',
});
