/**
 * Starting the runbook in this account (single-account deployments): StartAutomationExecution with the
 * notebook's ARN and the deployment's stored target, as the automation role. The state machine may start this
 * runbook only and pass the automation role only, only to Systems Manager.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { literalTarget, runbookTargetParameters } from '../detection/config-resources';
import { nagValue } from '../nag';
import type { KitBindings } from '../remediation/remediation-kit';
import type { GuardSettings, RemediationTarget } from '../settings/index';
import type { RunbookStarter } from './action';

export function startHere(
  scope: Construct,
  settings: GuardSettings,
  target: RemediationTarget,
  remediation: KitBindings,
  automationRole: iam.IRole,
): RunbookStarter {
  const runbook = remediation.runbookName;
  const startRunbook = tasks.CallAwsService.jsonata(scope, 'StartRunbook', {
    service: 'ssm',
    action: 'startAutomationExecution',
    parameters: {
      DocumentName: runbook,
      Parameters: {
        NotebookInstanceName: ['{% $states.input.Notebook %}'],
        ...runbookTargetParameters(settings, remediation, literalTarget(target)),
      },
    },
    iamAction: 'ssm:StartAutomationExecution',
    // And the read-only check document the runbook runs first, in case Systems Manager asks its starter too
    // (unconfirmed: "the secondary automation runs in the context of the user who initiated the primary").
    iamResources: [runbook, remediation.checkDocumentName]
      .flatMap((document) => [
        `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:automation-definition/${document}:*`,
        `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:document/${document}`,
      ])
      .concat(`arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:automation-execution/*`),
    outputs: {
      Notebook: '{% $states.input.Notebook %}',
      AutomationExecutionId: '{% $states.result.AutomationExecutionId %}',
    },
  });
  return {
    states: [startRunbook],
    grant(role) {
      // Starting an automation that runs as the automation role means passing that role to SSM.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [automationRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
        }),
      );
      const ssm = 'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>';
      for (const document of [runbook, remediation.checkDocumentName]) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${ssm}:automation-definition/${nagValue(scope, document)}:*]`,
          reason:
            'Any version of the runbook or its check document (the default version is the one Config also runs).',
        });
      }
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${ssm}:automation-execution/*]`,
        reason:
          'StartAutomationExecution also authorizes on the execution it creates, whose id does not exist beforehand.',
      });
    },
  };
}
