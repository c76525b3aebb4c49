/**
 * Phase 2: save before destroy. A temporary lifecycle configuration copies the volume to S3 on start;
 * the marker is verified; the notebook's own configuration goes back. Any failure or cancellation here
 * jumps to RestoreOriginalState, which puts the notebook back as it was and fails the run: nothing deleted.
 */
import { assertStatus, branch, equals, output, sagemakerCall, script, waitForStatus } from './builders';
import { parameter } from './parameters';
import { NOTEBOOK, PINNED_IDENTITY, resolved } from './steps-check';
import { putOwnLifecycleConfigBack } from './steps-lifecycle';
import type { Step } from './types';

const RESTORE_ORIGINAL = 'RestoreOriginalState';
/** Any failure or cancellation before the delete puts the notebook back as it was: nothing deleted. */
export const onFailureRestore = {
  onFailure: `step:${RESTORE_ORIGINAL}`,
  onCancel: `step:${RESTORE_ORIGINAL}`,
} as const;
/** One verification attempt polls ~9 minutes; enough attempts for the 720-minute maximum timeout. */
export const VERIFY_MAX_ATTEMPTS = 81;

/** Where a backup lives; S3 calls name the account as the bucket's expected owner. */
export const backupLocation = {
  BackupBucketName: parameter('BackupBucketName'),
  BackupPrefix: parameter('BackupPrefix'),
  AccountId: '{{ global:ACCOUNT_ID }}',
  NotebookName: NOTEBOOK,
  BackupId: resolved('BackupId'),
  NotebookRoleId: resolved('NotebookRoleId'),
};
const byName = { NotebookInstanceName: NOTEBOOK };

export const backupSteps: readonly Step[] = [
  script(
    'CreateBackupConfig',
    'create_backup_config',
    { ConfigName: resolved('BackupConfigName'), ...backupLocation, Region: '{{ global:REGION }}' },
    ['ConfigName', 'StartedAt'],
    {
      ...onFailureRestore,
      description: 'Temporary lifecycle configuration: on start, stop Jupyter and archive the volume to S3.',
    },
  ),
  {
    ...branch(
      'ChooseStopForBackup',
      [{ NextStep: 'StopForBackup', ...equals(resolved('WasRunning'), 'true') }],
      'AttachBackupConfig',
    ),
    ...onFailureRestore,
  },
  sagemakerCall('StopForBackup', 'StopNotebookInstance', byName, onFailureRestore),
  waitForStatus('WaitStoppedForBackup', NOTEBOOK, ['Stopped', 'Failed'], 900, onFailureRestore),
  sagemakerCall(
    'AttachBackupConfig',
    'UpdateNotebookInstance',
    { ...byName, LifecycleConfigName: resolved('BackupConfigName') },
    onFailureRestore,
  ),
  waitForStatus('WaitBackupConfigAttached', NOTEBOOK, ['Stopped', 'Failed'], 900, onFailureRestore),
  sagemakerCall('StartForBackup', 'StartNotebookInstance', byName, onFailureRestore),
  waitForStatus('WaitStartedForBackup', NOTEBOOK, ['InService', 'Failed'], 1800, onFailureRestore),
  assertStatus('AssertStartedForBackup', NOTEBOOK, ['InService'], onFailureRestore),
  script(
    'VerifyBackup',
    'verify_backup',
    {
      ...backupLocation,
      StartedAt: output('CreateBackupConfig', 'StartedAt'),
      TimeoutMinutes: parameter('BackupTimeoutMinutes'),
    },
    ['Summary'],
    {
      ...onFailureRestore,
      maxAttempts: VERIFY_MAX_ATTEMPTS,
      description: "This run's marker says ok and the archive in S3 is the one it describes.",
    },
  ),
  sagemakerCall('StopAfterBackup', 'StopNotebookInstance', byName, onFailureRestore),
  waitForStatus('WaitStoppedAfterBackup', NOTEBOOK, ['Stopped', 'Failed'], 900, onFailureRestore),
  ...putOwnLifecycleConfigBack('AfterBackup', onFailureRestore),
  sagemakerCall(
    'DeleteBackupConfig',
    'DeleteNotebookInstanceLifecycleConfig',
    { NotebookInstanceLifecycleConfigName: resolved('BackupConfigName') },
    onFailureRestore,
  ),
];

/** The failure path of phase 2 (reached only through onFailure/onCancel). */
export const backupFailureSteps: readonly Step[] = [
  script(
    RESTORE_ORIGINAL,
    'restore_original_state',
    {
      Mode: resolved('Mode'),
      NotebookName: NOTEBOOK,
      ...PINNED_IDENTITY,
      OriginalLifecycleConfigName: resolved('OriginalLifecycleConfigName'),
      TemporaryConfigName: resolved('BackupConfigName'),
      WasRunning: resolved('WasRunning'),
    },
    ['Status'],
    {
      maxAttempts: 3,
      description: 'Own configuration back, temporary one deleted, running if it was.',
    },
  ),
  branch(
    'ChooseWaitRestored',
    [{ NextStep: 'WaitRestoredInService', ...equals(resolved('WasRunning'), 'true') }],
    'FailBackupNotVerified',
  ),
  waitForStatus('WaitRestoredInService', NOTEBOOK, ['InService', 'Failed'], 1800),
  script(
    'FailBackupNotVerified',
    'fail',
    {
      Message: `The backup of ${NOTEBOOK} was not verified (see VerifyBackup, ${resolved('BackupUri')}). The notebook was put back as it was; nothing was deleted.`,
    },
    [],
    { isEnd: true },
  ),
];
