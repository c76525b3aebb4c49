/**
 * Putting the notebook's own lifecycle configuration back (or none, if it had none) in place of a
 * temporary one, with native steps. Used after the backup and after the restore.
 */
import { branch, equals, sagemakerCall, waitForStatus } from './builders';
import { NOTEBOOK, resolved } from './steps-check';
import type { FailureTarget, Step } from './types';

export function putOwnLifecycleConfigBack(
  phase: 'AfterBackup' | 'AfterRestore',
  failure: { readonly onFailure?: FailureTarget; readonly onCancel?: 'Abort' | `step:${string}` } = {},
): readonly Step[] {
  const wait = `WaitOwnConfig${phase}`;
  return [
    {
      ...branch(
        `ChooseOwnConfig${phase}`,
        [{ NextStep: `AttachOwnConfig${phase}`, ...equals(resolved('HasOwnLifecycleConfig'), 'true') }],
        `DetachConfig${phase}`,
      ),
      ...failure,
    },
    sagemakerCall(
      `AttachOwnConfig${phase}`,
      'UpdateNotebookInstance',
      { NotebookInstanceName: NOTEBOOK, LifecycleConfigName: resolved('OriginalLifecycleConfigName') },
      { ...failure, nextStep: wait },
    ),
    sagemakerCall(
      `DetachConfig${phase}`,
      'UpdateNotebookInstance',
      { NotebookInstanceName: NOTEBOOK, DisassociateLifecycleConfig: true },
      { ...failure, description: 'It had no lifecycle configuration.' },
    ),
    waitForStatus(wait, NOTEBOOK, ['Stopped', 'Failed'], 900, failure),
  ];
}
