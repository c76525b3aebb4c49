/**
 * Phase 1: look, never touch. Validate the target network, find the notebook and decide the mode; wait
 * out a status in transition. Every failure here leaves the notebook exactly as it was.
 */
import { branch, equals, output, script, waitForStatus } from './builders';
import { parameter } from './parameters';
import type { Step } from './types';

export const RESOLVE = 'ResolveNotebook';
/** ResolveNotebook's outputs: the facts every later step reads (the same on a fresh and a resumed run). */
export const RESOLVED_FACTS = [
  'Mode',
  'NotebookName',
  'Result',
  'BackupId',
  'DataPlan',
  'WasRunning',
  'OriginalLifecycleConfigName',
  'HasOwnLifecycleConfig',
  'BackupUri',
  'ManifestKey',
  'BackupConfigName',
  'RestoreConfigName',
  'NeedsStart',
] as const;
export type ResolvedFact = (typeof RESOLVED_FACTS)[number];

export function resolved(fact: ResolvedFact): string {
  return output(RESOLVE, fact);
}

export const NOTEBOOK = resolved('NotebookName');
export const ALREADY_COMPLIANT_STEP = 'AlreadyCompliantNothingChanged';

export const checkSteps: readonly Step[] = [
  script(
    RESOLVE,
    'resolve_notebook',
    {
      NotebookInstanceName: parameter('NotebookInstanceName'),
      SubnetId: parameter('SubnetId'),
      SecurityGroupIds: parameter('SecurityGroupIds'),
      DirectInternetAccess: parameter('DirectInternetAccess'),
      BackupBucketName: parameter('BackupBucketName'),
      BackupPrefix: parameter('BackupPrefix'),
      AllowDataLoss: parameter('AllowDataLoss'),
      AutomationAssumeRole: parameter('AutomationAssumeRole'),
      AllowUncheckedPermissions: parameter('AllowUncheckedPermissions'),
      ExecutionId: '{{ automation:EXECUTION_ID }}',
    },
    RESOLVED_FACTS,
    {
      description:
        'Check the target network, find the notebook or its unfinished manifest, check the role may recreate it, decide. Changes nothing.',
    },
  ),
  branch(
    'ChooseMode',
    [
      { NextStep: ALREADY_COMPLIANT_STEP, ...equals(resolved('Mode'), 'AlreadyCompliant') },
      { NextStep: 'PrepareManifest', ...equals(resolved('Mode'), 'ResumeCreate') },
    ],
    'WaitForStableStatus',
  ),
  waitForStatus('WaitForStableStatus', NOTEBOOK, ['InService', 'Stopped', 'Failed'], 1800, {
    description: 'Wait out Pending, Stopping and Updating.',
  }),
  branch(
    'ChooseDataPlan',
    [
      { NextStep: 'PrepareManifest', ...equals(resolved('Mode'), 'ResumeRestore') },
      { NextStep: 'PrepareManifest', ...equals(resolved('Mode'), 'ResumeFinish') },
      { NextStep: 'CreateBackupConfig', ...equals(resolved('DataPlan'), 'Backup') },
    ],
    'ChooseStopBeforeDelete',
  ),
];

/** The end of the already-compliant path: its name is the message. */
export const alreadyCompliantStep: Step = {
  name: ALREADY_COMPLIANT_STEP,
  action: 'aws:sleep',
  inputs: { Duration: 'PT1S' },
  isEnd: true,
};
