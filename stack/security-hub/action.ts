/**
 * Security Hub one-click: a custom action "Recreate in VPC" and an EventBridge rule that starts the runbook
 * for the selected findings. Security Hub sends up to 20 selected findings in one event; an input transformer
 * could pass only one, so a small Step Functions state machine (no Lambda) starts one runbook execution per
 * distinct notebook: only notebook findings of this account and region, each notebook once even when several
 * findings name it, and one failed start does not stop the others.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { literalTarget, runbookTargetParameters } from '../detection/config-resources';
import { nagValue } from '../nag';
import { importSharedRole, type SecurityHubRoleNames } from '../regions/shared-roles';
import type { KitBindings } from '../remediation/remediation-kit';
import type { GuardSettings } from '../settings/index';

/** Security Hub limits: name under 20 characters, id up to 20 alphanumerics. */
export const ACTION_NAME = 'Recreate in VPC';
export const ACTION_ID = 'RecreateInVpc';
export const NOTEBOOK_FINDING_RESOURCE_TYPE = 'AwsSageMakerNotebookInstance';
/** Starting executions is quick; a few at a time stays far below SSM's API rate limits. */
const MAX_CONCURRENT_STARTS = 5;

/**
 * JSONata (Step Functions) over the event: the distinct notebook ARNs (`Resources[0].Id`) of the selected
 * findings that are about a notebook in this account and region; always an array, possibly empty.
 */
export function selectedNotebooksExpression(account: string, region: string): string {
  const finding = `AwsAccountId = "${account}" and Region = "${region}" and Resources[0].Type = "${NOTEBOOK_FINDING_RESOURCE_TYPE}"`;
  return `{% $append([], $distinct($states.input.detail.findings[${finding}].Resources[0].Id)) %}`;
}

export interface SecurityHubActionProps {
  readonly settings: GuardSettings;
  readonly remediation: KitBindings;
  readonly automationRole: iam.IRole;
  readonly logRetentionDays: number;
  /** Several regions: the account's shared roles (securityHubRoleProps), to which this region adds its policies. */
  readonly sharedRoleNames?: SecurityHubRoleNames;
}

/** The roles without their permissions: the state machine's (Step Functions) and the rule target's (EventBridge). */
export function securityHubRoleProps(): Readonly<Record<keyof SecurityHubRoleNames, iam.RoleProps>> {
  return {
    startRunbooks: { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') },
    events: { assumedBy: new iam.ServicePrincipal('events.amazonaws.com') },
  };
}

export class SecurityHubAction extends Construct {
  readonly actionTarget: securityhub.CfnActionTarget;
  readonly stateMachine: sfn.StateMachine;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SecurityHubActionProps) {
    super(scope, id);
    const target = props.settings.remediationTarget;
    if (!target) throw new Error('The Security Hub action needs a remediation target');
    const parameters = runbookTargetParameters(props.settings, props.remediation, literalTarget(target));
    this.actionTarget = new securityhub.CfnActionTarget(this, 'Action', {
      name: ACTION_NAME,
      id: ACTION_ID,
      description: 'Recreate the selected SageMaker notebook instances in the approved subnet (backup first)',
    });
    // Seen only when the stack names its region (several regions): the validator's per-region type lists
    // (cfn-lint's) lack this type in some regions, e.g. eu-west-1 and ap-northeast-1, where AWS documents no limit.
    Validations.of(this.actionTarget).acknowledge({
      id: 'CloudFormation-Validate::F3006',
      reason:
        'AWS::SecurityHub::ActionTarget is documented without region limits; if a region rejects it, the stack ' +
        'rolls back and that region is deployed with securityHubAction=false (the Config "Remediate" button).',
    });

    const runbook = props.remediation.runbookName;
    const startRunbook = tasks.CallAwsService.jsonata(this, 'StartRunbook', {
      service: 'ssm',
      action: 'startAutomationExecution',
      parameters: {
        DocumentName: runbook,
        Parameters: { NotebookInstanceName: ['{% $states.input %}'], ...parameters },
      },
      iamAction: 'ssm:StartAutomationExecution',
      iamResources: [
        `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:automation-definition/${runbook}:*`,
        `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:document/${runbook}`,
        `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:automation-execution/*`,
      ],
      outputs: {
        Notebook: '{% $states.input %}',
        AutomationExecutionId: '{% $states.result.AutomationExecutionId %}',
      },
    });
    startRunbook.addCatch(new sfn.Pass(this, 'StartFailed', { queryLanguage: sfn.QueryLanguage.JSONATA }), {
      outputs: { Notebook: '{% $states.input %}', Error: '{% $states.errorOutput %}' },
    });
    const forEachNotebook = sfn.Map.jsonata(this, 'ForEachNotebook', {
      items: sfn.ProvideItems.jsonata(selectedNotebooksExpression(Aws.ACCOUNT_ID, Aws.REGION)),
      maxConcurrency: MAX_CONCURRENT_STARTS,
    }).itemProcessor(startRunbook);

    const shared = props.sharedRoleNames;
    this.stateMachine = new sfn.StateMachine(this, 'StartRunbooks', {
      ...(shared && { role: importSharedRole(this, 'StartRunbooksRole', shared.startRunbooks) }),
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(forEachNotebook),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: props.logRetentionDays }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
    });
    // Starting an automation that runs as the automation role means passing that role to SSM.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [props.automationRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      }),
    );

    this.rule = new events.Rule(this, 'OnAction', {
      description: `Security Hub custom action "${ACTION_NAME}": start the notebook recreation runbook`,
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Custom Action'],
        resources: [this.actionTarget.attrActionTargetArn],
      },
      // The target gets its own role, allowed to start this state machine only.
      targets: [
        new targets.SfnStateMachine(this.stateMachine, {
          ...(shared && { role: importSharedRole(this, 'EventsRole', shared.events) }),
        }),
      ],
    });
    acknowledgeWildcards(this.stateMachine, nagValue(this, runbook));
  }
}

function acknowledgeWildcards(stateMachine: sfn.StateMachine, runbook: string): void {
  const role = stateMachine.role;
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Step Functions log delivery (logs:*LogDelivery*, DescribeLogGroups …) and X-Ray tracing (xray:PutTraceSegments …) ' +
      'have no resource-level permissions; CDK adds them for logging and tracing.',
  });
  const ssm = 'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>';
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${ssm}:automation-definition/${runbook}:*]`,
    reason: 'Any version of this one runbook (the default version is the one Config also runs).',
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${ssm}:automation-execution/*]`,
    reason:
      'StartAutomationExecution also authorizes on the execution it creates, whose id does not exist beforehand.',
  });
}
