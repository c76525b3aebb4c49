/**
 * The SSM Automation runbook that moves a SageMaker notebook instance into a subnet, losing nothing: the document
 * that is deployed (dist/remediation/runbook.json is this object, serialized). Its first step runs the check
 * document (check-document.ts) under its default name; the stack writes in the name it deployed it under
 * (documents.ts, namingCheckDocument).
 */
import { CHECK_DOCUMENT } from './check-document';
import { type Permission, requiredPermissions } from './iam';
import { PARAMETERS } from './parameters';
import { backupSteps, failureSteps } from './steps-backup';
import { alreadyCompliantStep, checkSteps } from './steps-check';
import { recreateSteps, startForRestoreStep } from './steps-recreate';
import type { AutomationDocument } from './types';

export const RUNBOOK: AutomationDocument = {
  schemaVersion: '0.3',
  description: [
    '# Move a SageMaker notebook instance into a subnet without losing its data',
    'Backs up the volume to S3 (verified), writes a manifest of the configuration and tags, deletes the notebook,',
    'recreates it with every setting in the target network and restores the data. Nothing is deleted unless the',
    'backup is verified or AllowDataLoss=true. After a failure past the delete, rerun with the same parameters.',
    'Mode=BackupOnly only backs up; Mode=RestoreOnly puts a backup onto the replacement its owner created.',
  ].join('\n'),
  assumeRole: '{{ AutomationAssumeRole }}',
  parameters: PARAMETERS,
  mainSteps: [
    ...checkSteps,
    ...backupSteps,
    ...recreateSteps,
    ...failureSteps,
    startForRestoreStep,
    alreadyCompliantStep,
  ],
  outputs: [
    'ResolveNotebook.Result',
    'ResolveNotebook.BackupUri',
    'VerifyRestore.Restored',
    'Finish.SubnetId',
    'Finish.SecurityGroupIds',
    'Finish.DirectInternetAccess',
    'Finish.FinalStatus',
    'Finish.Summary',
  ],
};

/** What the automation role (AutomationAssumeRole) needs for both documents, with the resource kind of each action. */
export const AUTOMATION_ROLE_PERMISSIONS: readonly Permission[] = requiredPermissions([
  RUNBOOK,
  CHECK_DOCUMENT,
]);
