/**
 * Security Hub one-click: a custom action "Recreate in VPC" and an EventBridge rule that starts the runbook
 * for the selected findings. Security Hub sends up to 20 selected findings in one event; an input transformer
 * could pass only one, so a small Step Functions state machine (no Lambda) starts one runbook execution per
 * distinct notebook of this rule's findings (findings-filter.ts), and one failed start does not stop the others.
 * Where the runbook starts is the starter's business: in this account (start-here.ts), or in each finding's own
 * member account (start-in-member.ts, organization mode).
 *
 * The state machine logs every state transition but no execution data: the event carries whole findings (and
 * every resource detail in them), which do not belong in a log group. The execution history keeps them for
 * whoever may read it.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { importSharedRole, type SecurityHubRoleNames } from '../regions/shared-roles';
import { type FindingFilter, selectedNotebooksExpression } from './findings-filter';

/** Security Hub limits: name under 20 characters, id up to 20 alphanumerics. */
export const ACTION_NAME = 'Recreate in VPC';
export const ACTION_ID = 'RecreateInVpc';
/** Starting executions is quick; a few at a time stays far below SSM's API rate limits. */
const MAX_CONCURRENT_STARTS = 5;

/** A task state whose failure the action catches. */
export type StarterState = sfn.IChainable &
  sfn.INextable & { addCatch(handler: sfn.IChainable, props?: sfn.CatchProps): unknown };

/** How the runbook is started for one selected notebook (`$states.input`: `{ Account, Notebook }`). */
export interface RunbookStarter {
  /** The states run per notebook, in order; a failure of any is caught, for that notebook only. */
  readonly states: readonly [StarterState, ...StarterState[]];
  /** Grants the state machine's role what the starter needs (and acknowledges its wildcards). */
  grant(role: iam.IRole): void;
}

export interface SecurityHubActionProps {
  readonly filter: Omit<FindingFilter, 'partition' | 'region'>;
  readonly logRetentionDays: number;
  readonly starter: (scope: Construct) => RunbookStarter;
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

    const starter = props.starter(this);
    const startFailed = new sfn.Pass(this, 'StartFailed', { queryLanguage: sfn.QueryLanguage.JSONATA });
    for (const state of starter.states) {
      state.addCatch(startFailed, {
        outputs: { Notebook: '{% $states.input.Notebook %}', Error: '{% $states.errorOutput %}' },
      });
    }
    const [first, ...rest] = starter.states;
    const start = rest.reduce<sfn.Chain>((chain, state) => chain.next(state), sfn.Chain.start(first));
    const forEachNotebook = sfn.Map.jsonata(this, 'ForEachNotebook', {
      items: sfn.ProvideItems.jsonata(
        selectedNotebooksExpression({ ...props.filter, partition: Aws.PARTITION, region: Aws.REGION }),
      ),
      maxConcurrency: MAX_CONCURRENT_STARTS,
    }).itemProcessor(start);

    const shared = props.sharedRoleNames;
    this.stateMachine = new sfn.StateMachine(this, 'StartRunbooks', {
      ...(shared && { role: importSharedRole(this, 'StartRunbooksRole', shared.startRunbooks) }),
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(forEachNotebook),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: props.logRetentionDays }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    starter.grant(this.stateMachine.role);

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
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:*LogDelivery*, DescribeLogGroups …) and X-Ray tracing (xray:PutTraceSegments …) ' +
        'have no resource-level permissions; CDK adds them for logging and tracing.',
    });
  }
}
