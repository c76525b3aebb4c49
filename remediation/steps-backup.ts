/**
 * Phase 2: save before destroy. A temporary lifecycle configuration runs the hook the check rendered on start:
 * Recreate and BackupOnly archive the volume to S3 and the marker is verified; RestoreOnly starts the same way with
 * the restore hook, then goes on in phase 3 (its manifest, the restore verified). Then the notebook's own
 * configuration goes back.
 * Any failure or cancellation here jumps to RestoreOriginalState, which puts the notebook back as it was and fails
 * the run: nothing deleted.
 */
import { assertStatus, branch, equals, sagemakerCall, script, waitForStatus } from './builders';
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
const RECOVERY = 'ChooseRecovery';
/**
 * Past the backup phase: BackupOnly and RestoreOnly put the notebook back as it was; a notebook the run recreated
 * is left for a rerun to resume.
 */
export const onFailureRecover = { onFailure: `step:${RECOVERY}`, onCancel: `step:${RECOVERY}` } as const;
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
  sagemakerCall(
    'CreateHookConfig',
    'CreateNotebookInstanceLifecycleConfig',
    {
      NotebookInstanceLifecycleConfigName: resolved('TemporaryConfigName'),
      OnStart: [{ Content: resolved('Hook') }],
    },
    {
      ...onFailureRestore,
      description: "Temporary lifecycle configuration: the check's hook runs on start.",
    },
  ),
  {
    ...branch(
      'ChooseStopForHook',
      [{ NextStep: 'StopForHook', ...equals(resolved('WasRunning'), 'true') }],
      'AttachHookConfig',
    ),
    ...onFailureRestore,
  },
  sagemakerCall('StopForHook', 'StopNotebookInstance', byName, onFailureRestore),
  waitForStatus('WaitStoppedForHook', NOTEBOOK, ['Stopped', 'Failed'], 900, onFailureRestore),
  sagemakerCall(
    'AttachHookConfig',
    'UpdateNotebookInstance',
    { ...byName, LifecycleConfigName: resolved('TemporaryConfigName') },
    onFailureRestore,
  ),
  waitForStatus('WaitHookConfigAttached', NOTEBOOK, ['Stopped', 'Failed'], 900, onFailureRestore),
  sagemakerCall('StartWithHook', 'StartNotebookInstance', byName, onFailureRestore),
  waitForStatus('WaitStartedWithHook', NOTEBOOK, ['InService', 'Failed'], 1800, onFailureRestore),
  assertStatus('AssertStartedWithHook', NOTEBOOK, ['InService'], onFailureRestore),
  {
    ...branch(
      'ChooseVerify',
      // RestoreOnly reads the backup's manifest, then verifies the restore (phase 3).
      [{ NextStep: 'PrepareManifest', ...equals(resolved('Mode'), 'RestoreOnly') }],
      'VerifyBackup',
    ),
    ...onFailureRestore,
  },
  script(
    'VerifyBackup',
    'verify_backup',
    {
      ...backupLocation,
      StartedAt: resolved('CheckedAt'),
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
    'DeleteHookConfig',
    'DeleteNotebookInstanceLifecycleConfig',
    { NotebookInstanceLifecycleConfigName: resolved('TemporaryConfigName') },
    onFailureRestore,
  ),
];

/** The failure paths (reached only through onFailure/onCancel). */
export const failureSteps: readonly Step[] = [
  script(
    RESTORE_ORIGINAL,
    'restore_original_state',
    {
      Mode: resolved('Mode'),
      NotebookName: NOTEBOOK,
      ...PINNED_IDENTITY,
      OriginalLifecycleConfigName: resolved('OriginalLifecycleConfigName'),
      TemporaryConfigName: resolved('TemporaryConfigName'),
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
    'FailPutBack',
  ),
  waitForStatus('WaitRestoredInService', NOTEBOOK, ['InService', 'Failed'], 1800),
  script(
    'FailPutBack',
    'fail',
    {
      Message: `${NOTEBOOK} was put back as it was and nothing was deleted: see the step that failed (${resolved('BackupUri')}).`,
    },
    [],
    { isEnd: true },
  ),
  branch(
    RECOVERY,
    [
      {
        NextStep: RESTORE_ORIGINAL,
        Or: [equals(resolved('Mode'), 'BackupOnly'), equals(resolved('Mode'), 'RestoreOnly')],
      },
    ],
    'RerunToResume',
  ),
  // A recreated notebook: its name is the message (the failed step says what went wrong).
  { name: 'RerunToResume', action: 'aws:sleep', inputs: { Duration: 'PT1S' }, isEnd: true },
];
