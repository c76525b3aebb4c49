/**
 * How the runbook's two documents are deployed, for the build and the stack alike (no build-only source here:
 * the construct library imports it). The runbook runs the check document by name; a hand deployment creates the
 * check under CHECK_DOCUMENT_NAME_DEFAULT (dist/remediation/ is that build). The stack deploys the built documents
 * with its own name for the check written into the runbook, and its settings written into the check: whoever
 * starts the runbook cannot change either (see the README's threat model).
 */
import type { AutomationDocument, InputValue } from './types';

export const CHECK_DOCUMENT_NAME_DEFAULT = 'sagemaker-notebook-vpc-guard-check';
/** The check document's one step, and its one output: the decision as JSON. */
export const CHECK_STEP = 'Check';
export const CHECK_OUTPUT = 'Facts';

/** What a deployment checks every run against; absent keys are not checked (a runbook deployed by hand). */
export interface TrustedSettings {
  readonly BackupBucketName?: string;
  readonly BackupPrefix?: string;
  /** The deployed rule's parameters as Config passes them (rule/parameters.ts, toInputParameters). */
  readonly Rule?: Readonly<Record<string, string>>;
}

function replaced(value: InputValue, from: string, to: string): InputValue {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((item) => replaced(item, from, to));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaced(item, from, to)]));
  }
  return value;
}

/** The runbook naming its check document `name` (wherever it names the default: the step and its reader). */
export function namingCheckDocument(runbook: AutomationDocument, name: string): AutomationDocument {
  return {
    ...runbook,
    mainSteps: runbook.mainSteps.map(
      (step) => replaced(step as never, CHECK_DOCUMENT_NAME_DEFAULT, name) as never,
    ),
  };
}

/** The check document carrying a deployment's settings. */
export function withSettings(check: AutomationDocument, settings: TrustedSettings): AutomationDocument {
  return {
    ...check,
    mainSteps: check.mainSteps.map((step) =>
      step.name === CHECK_STEP && step.action === 'aws:executeScript'
        ? {
            ...step,
            inputs: {
              ...step.inputs,
              InputPayload: { ...step.inputs.InputPayload, Settings: JSON.stringify(settings) },
            },
          }
        : step,
    ),
  };
}
