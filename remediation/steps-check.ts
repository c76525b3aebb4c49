/**
 * Phase 1: look, never touch. The check document (check-document.ts) validates the target network against the
 * deployed settings, finds the notebook, verifies any earlier run it would resume (or, RestoreOnly, the backup it
 * restores) and decides the mode; this runbook reads that decision into ResolveNotebook's outputs and waits out a
 * status in transition. Every failure here leaves the notebook exactly as it was.
 */
import { branch, equals, output, script, waitForStatus } from './builders';
import { CHECK_DOCUMENT_NAME_DEFAULT } from './documents';
import { parameter } from './parameters';
import type { Step } from './types';

export const CHECK = 'CheckNotebook';
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
  'ManifestDigest',
  'TemporaryConfigName',
  'RestoreConfigName',
  'Hook',
  'NeedsStart',
  'NotebookArn',
  'CreationTime',
  'NotebookRoleId',
  'CheckedAt',
] as const;
export type ResolvedFact = (typeof RESOLVED_FACTS)[number];

export function resolved(fact: ResolvedFact): string {
  return output(RESOLVE, fact);
}

export const NOTEBOOK = resolved('NotebookName');
export const ALREADY_COMPLIANT_STEP = 'AlreadyCompliantNothingChanged';
/** The notebook this run started with: every step that could act on another one of the same name checks it. */
export const PINNED_IDENTITY = {
  NotebookArn: resolved('NotebookArn'),
  CreationTime: resolved('CreationTime'),
};

export const checkSteps: readonly Step[] = [
  {
    name: CHECK,
    action: 'aws:executeAutomation',
    description:
      'Run the read-only check document: target, rule settings, notebook, earlier runs, permissions.',
    inputs: {
      DocumentName: CHECK_DOCUMENT_NAME_DEFAULT,
      RuntimeParameters: {
        AutomationAssumeRole: parameter('AutomationAssumeRole'),
        ExecutionId: '{{ automation:EXECUTION_ID }}',
      },
    },
  },
  script(
    RESOLVE,
    'resolve_notebook',
    { CheckExecutionId: output(CHECK, 'ExecutionId'), CheckDocumentName: CHECK_DOCUMENT_NAME_DEFAULT },
    RESOLVED_FACTS,
    { description: "The check's decision (a refusal fails here, with its reason). Changes nothing." },
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
      { NextStep: 'CreateHookConfig', ...equals(resolved('DataPlan'), 'Backup') },
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
