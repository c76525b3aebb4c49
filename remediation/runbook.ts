/**
 * The SSM Automation runbook that moves a SageMaker notebook instance into a subnet, losing nothing: the exact
 * document that is deployed. Its first step runs the check document (check-document.ts) by name; a hand
 * deployment names it CHECK_DOCUMENT_NAME_DEFAULT (dist/remediation/runbook.json is that build), the stack passes
 * the name it deployed the check under.
 */
import { CHECK_DOCUMENT, CHECK_DOCUMENT_NAME_DEFAULT } from './check-document';
import { type Permission, requiredPermissions } from './iam';
import { PARAMETERS } from './parameters';
import { backupFailureSteps, backupSteps } from './steps-backup';
import { alreadyCompliantStep, checkSteps } from './steps-check';
import { recreateSteps, startForRestoreStep } from './steps-recreate';
import type { AutomationDocument } from './types';

export function runbook(checkDocumentName: string = CHECK_DOCUMENT_NAME_DEFAULT): AutomationDocument {
  return {
    schemaVersion: '0.3',
    description: [
      '# Move a SageMaker notebook instance into a subnet without losing its data',
      'Backs up the volume to S3 (verified), writes a manifest of the configuration and tags, deletes the notebook,',
      'recreates it with every setting in the target network and restores the data. Nothing is deleted unless the',
      'backup is verified or AllowDataLoss=true. After a failure past the delete, rerun with the same parameters.',
    ].join('\n'),
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: PARAMETERS,
    mainSteps: [
      ...checkSteps(checkDocumentName),
      ...backupSteps,
      ...recreateSteps,
      ...backupFailureSteps,
      startForRestoreStep,
      alreadyCompliantStep,
    ],
    outputs: [
      'ResolveNotebook.Result',
      'ResolveNotebook.BackupUri',
      'Finish.SubnetId',
      'Finish.SecurityGroupIds',
      'Finish.DirectInternetAccess',
      'Finish.FinalStatus',
      'Finish.Summary',
    ],
  };
}

/** As built for a hand deployment (dist/remediation/runbook.json), with its check document under the default name. */
export const RUNBOOK: AutomationDocument = runbook();

/** What the automation role (AutomationAssumeRole) needs for both documents, with the resource kind of each action. */
export const AUTOMATION_ROLE_PERMISSIONS: readonly Permission[] = requiredPermissions([
  RUNBOOK,
  CHECK_DOCUMENT,
]);
