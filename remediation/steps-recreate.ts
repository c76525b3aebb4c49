/**
 * Phase 3: recreate. Stop, write the manifest (re-checking the backup and that the notebook is still the one this
 * run started with), delete it, create it again from the manifest, restore the data on first start (the archive
 * checked against its SHA-256), put the original lifecycle configuration back, and leave the notebook running or
 * stopped as it was. A failure past the delete is resumed by a rerun (the check finds the manifest and the run
 * jumps to PrepareManifest). BackupOnly stops after the manifest (no delete) and finishes; RestoreOnly comes here
 * once its restore hook runs (phase 2's steps), reads the backup's manifest, then verifies and finishes.
 */
import { assertStatus, branch, equals, output, sagemakerCall, script, waitForStatus } from './builders';
import { parameter } from './parameters';
import { backupLocation, onFailureRecover, onFailureRestore, VERIFY_MAX_ATTEMPTS } from './steps-backup';
import { NOTEBOOK, PINNED_IDENTITY, resolved } from './steps-check';
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
  {
    ...branch(
      'ChooseStopBeforeDelete',
      [{ NextStep: 'StopBeforeDelete', And: [WAS_RUNNING, { Not: [IS_BACKUP] }] }],
      'WaitStoppedBeforeDelete',
    ),
    ...onFailureRestore,
  },
  sagemakerCall('StopBeforeDelete', 'StopNotebookInstance', byName, onFailureRestore),
  waitForStatus('WaitStoppedBeforeDelete', NOTEBOOK, ['Stopped', 'Failed'], 900, onFailureRestore),
  script(
    'PrepareManifest',
    'prepare_manifest',
    {
      Mode: resolved('Mode'),
      ...backupLocation,
      ...PINNED_IDENTITY,
      ManifestKey: resolved('ManifestKey'),
      ManifestDigest: resolved('ManifestDigest'),
      DataPlan: resolved('DataPlan'),
      WasRunning: resolved('WasRunning'),
      StartedAt: resolved('CheckedAt'),
      ExecutionId: '{{ automation:EXECUTION_ID }}',
      ...targetNetwork,
    },
    ['Manifest', 'ManifestDigest', 'Deleted', 'PreparedAt'],
    {
      ...onFailureRestore,
      description:
        'Re-check the notebook and the backup; write the configuration and tags; delete (resume: read them back).',
    },
  ),
  {
    ...branch(
      'ChooseResumeStep',
      [
        { NextStep: 'VerifyRestore', ...equals(resolved('Mode'), 'RestoreOnly') },
        { NextStep: 'Finish', ...equals(resolved('Mode'), 'BackupOnly') },
        { NextStep: 'StartForRestore', And: [RESUME_RESTORE, equals(resolved('NeedsStart'), 'true')] },
        { NextStep: 'WaitCreated', ...RESUME_RESTORE },
        { NextStep: 'Finish', ...equals(resolved('Mode'), 'ResumeFinish') },
      ],
      'CreateNotebook',
    ),
    ...onFailureRecover,
  },
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
      Manifest: MANIFEST,
      CreationTime: resolved('CreationTime'),
      StartedAt: output('PrepareManifest', 'PreparedAt'),
      TimeoutMinutes: parameter('RestoreTimeoutMinutes'),
    },
    ['Sha256', 'Restored'],
    {
      ...onFailureRecover,
      maxAttempts: VERIFY_MAX_ATTEMPTS,
      description: "This run's restore marker: the archive's SHA-256 matched.",
    },
  ),
  sagemakerCall('StopAfterRestore', 'StopNotebookInstance', byName, onFailureRecover),
  waitForStatus('WaitStoppedAfterRestore', NOTEBOOK, ['Stopped', 'Failed'], 900, onFailureRecover),
  ...putOwnLifecycleConfigBack('AfterRestore', onFailureRecover),
  script(
    'Finish',
    'finish',
    {
      Mode: resolved('Mode'),
      Manifest: MANIFEST,
      ...backupLocation,
      WasRunning: resolved('WasRunning'),
      ExecutionId: '{{ automation:EXECUTION_ID }}',
      RestoreConfigName: resolved('RestoreConfigName'),
    },
    ['SubnetId', 'SecurityGroupIds', 'DirectInternetAccess', 'Backup', 'FinalStatus', 'Summary'],
    {
      ...onFailureRecover,
      isEnd: true,
      maxAttempts: 3,
      description: 'Running if it was, else stopped; temporary configuration deleted; run completed; report.',
    },
  ),
];

/** Resuming an unfinished restore on a stopped notebook: the restore hook runs on start. */
export const startForRestoreStep: Step = sagemakerCall('StartForRestore', 'StartNotebookInstance', byName, {
  nextStep: 'WaitCreated',
});
