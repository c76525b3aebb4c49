/**
 * Starting the runbook in each finding's own member account (organization mode), the way AWS's Automated
 * Security Response does it: the task assumes the member's starter role (member-access.ts), reads the
 * account's stored target and starts that account's runbook with it and the notebook's ARN. Of the stored
 * parameters only the recreation target is passed — never AllowDataLoss or AllowUncheckedPermissions, whatever
 * the parameter holds. The state machine may assume that one role name, only in accounts of the organization.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { RUNBOOK_TARGET_PARAMETERS } from '../detection/config-resources';
import { nagValue } from '../nag';
import type { GuardSettings, OrganizationSettings } from '../settings/index';
import type { RunbookStarter } from './action';
import { memberStarterRoleName, storedTargetParameterName } from './member-access';

export function startInMember(
  scope: Construct,
  settings: GuardSettings & { readonly organization: OrganizationSettings },
): RunbookStarter {
  const roleName = memberStarterRoleName(settings.organization);
  const credentials = {
    RoleArn: `{% 'arn:${Aws.PARTITION}:iam::' & $states.input.Account & ':role/${roleName}' %}`,
  };
  const sdk = (action: string) => `arn:${Aws.PARTITION}:states:::aws-sdk:ssm:${action}`;
  const allowed = RUNBOOK_TARGET_PARAMETERS.map((name) => `'${name}'`).join(', ');
  const readTarget = new JsonataTask(scope, 'ReadStoredTarget', {
    stateJson: {
      Type: 'Task',
      Resource: sdk('getParameter'),
      Credentials: credentials,
      Arguments: { Name: storedTargetParameterName(settings.ruleName) },
      Assign: { target: '{% $parse($states.result.Parameter.Value) %}' },
      Output: '{% $states.input %}',
    },
  });
  const startRunbook = new JsonataTask(scope, 'StartRunbook', {
    stateJson: {
      Type: 'Task',
      Resource: sdk('startAutomationExecution'),
      Credentials: credentials,
      Arguments: {
        DocumentName: '{% $target.DocumentName %}',
        // Several regions: the member's target comes from a mapping with a slot per security group, '' = none.
        Parameters:
          `{% $merge([$sift($target.Parameters, function($v, $k) { $k in [${allowed}] }), ` +
          `{ 'SecurityGroupIds': [$target.Parameters.SecurityGroupIds[$ != '']], ` +
          `'NotebookInstanceName': [$states.input.Notebook] }]) %}`,
      },
      Output: {
        Account: '{% $states.input.Account %}',
        Notebook: '{% $states.input.Notebook %}',
        AutomationExecutionId: '{% $states.result.AutomationExecutionId %}',
      },
    },
  });
  return {
    states: [readTarget, startRunbook],
    grant(role) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: [`arn:${Aws.PARTITION}:iam::*:role/${roleName}`],
          conditions: { StringEquals: { 'aws:ResourceOrgID': settings.organization.organizationId } },
        }),
      );
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${nagValue(scope, roleName)}]`,
        reason:
          'The starter role in whichever member account a finding is from; only that role name and only in this ' +
          'organization (aws:ResourceOrgID).',
      });
    },
  };
}

/**
 * A raw task state (CallAwsService cannot take a role ARN computed per item, nor leave out its own grant) whose
 * catchers render as JSONata, like the state machine's: CustomState renders them as JSONPath, dropping `Output`.
 */
class JsonataTask extends sfn.CustomState {
  override toStateJson(queryLanguage?: sfn.QueryLanguage): object {
    return { ...super.toStateJson(queryLanguage), ...this.renderRetryCatch(sfn.QueryLanguage.JSONATA) };
  }
}
