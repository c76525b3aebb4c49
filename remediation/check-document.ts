/**
 * The check document: everything the runbook decides before it changes anything, in a document of its own
 * because both would not fit SSM's 64 KB together. It is read-only (its role may change nothing through it), so
 * starting it directly gains nobody anything; the runbook starts it with nothing but the role and its own
 * execution id (CheckNotebook), the check reads the runbook execution's parameters from Systems Manager, and the
 * runbook reads the decision back (ResolveNotebook).
 *
 * The deployed settings it checks against — the rule's parameters (its ownership markers among them) and the
 * backup bucket — are written into this document by the stack (documents.ts, withSettings): as built it holds none.
 * It also renders the temporary lifecycle hook the runbook attaches first (the Hook fact): the runbook need not
 * carry that hook's text, which keeps it under SSM's 64 KB with BackupOnly and RestoreOnly.
 */
import { script } from './builders';
import { CHECK_OUTPUT, CHECK_STEP } from './documents';
import { PARAMETERS } from './parameters';
import type { AutomationDocument } from './types';

const EXECUTION_ID_PATTERN = '^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$';

/** The runbook's parameters as [type, default]: the check applies a default the execution record leaves out. */
const RUNBOOK_DEFAULTS = Object.fromEntries(
  Object.entries(PARAMETERS).map(([name, definition]) => [
    name,
    [definition.type, 'default' in definition ? definition.default : null],
  ]),
);

/** As built for a hand deployment (dist/remediation/runbook-check.json): no deployed settings. */
export const CHECK_DOCUMENT: AutomationDocument = {
  schemaVersion: '0.3',
  description:
    '# Check for the SageMaker notebook VPC runbook\nRead-only: decides what the runbook execution ExecutionId does.',
  assumeRole: '{{ AutomationAssumeRole }}',
  parameters: {
    AutomationAssumeRole: PARAMETERS.AutomationAssumeRole,
    ExecutionId: {
      type: 'String',
      description: 'The runbook execution this check decides for.',
      allowedPattern: EXECUTION_ID_PATTERN,
    },
  },
  mainSteps: [
    script(
      CHECK_STEP,
      'check_notebook',
      {
        ExecutionId: '{{ ExecutionId }}',
        CheckExecutionId: '{{ automation:EXECUTION_ID }}',
        AccountId: '{{ global:ACCOUNT_ID }}',
        Region: '{{ global:REGION }}',
        Defaults: JSON.stringify(RUNBOOK_DEFAULTS),
        Settings: JSON.stringify({}),
      },
      [CHECK_OUTPUT],
      { isEnd: true },
    ),
  ],
  outputs: [`${CHECK_STEP}.${CHECK_OUTPUT}`],
};
