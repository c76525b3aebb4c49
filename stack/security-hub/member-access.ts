/**
 * The member account's half of the organization's "Recreate in VPC" action (deployed by the StackSet): the
 * account's stored target — this runbook, its automation role and the recreation target, as the account's own
 * Config remediation uses them — in an SSM parameter, and a role the action's state machine in the admin account
 * assumes to read it and start this runbook. That role may start only this runbook, pass only this account's
 * automation role and only to Systems Manager, and read only that parameter; it trusts only the state machine's
 * role (like AWS's Automated Security Response, whose orchestrator assumes a member role to start the
 * remediation runbook in the finding's account and region).
 */
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { runbookTargetParameters, type TargetValues } from '../detection/config-resources';
import { nagValue } from '../nag';
import type { RemediationKit } from '../remediation/remediation-kit';
import type { GuardSettings, OrganizationSettings } from '../settings/index';

/** The same in every member account and region, so the admin's state machine can name it. */
export function memberStarterRoleName(organization: OrganizationSettings): string {
  // memberRoleName is at most 40 characters: with "-Start-" and the longest region name this stays under 64.
  return `${organization.memberRoleName}-Start-${Aws.REGION}`;
}

/** Where a member account stores its target for the action. */
export function storedTargetParameterName(ruleName: string): string {
  return `/${ruleName}/security-hub-action/runbook-target`;
}

export interface MemberRemediationAccessProps {
  readonly settings: GuardSettings & { readonly organization: OrganizationSettings };
  /** The account's recreation target (several regions: its region's, from the template's mapping). */
  readonly target: TargetValues;
  readonly kit: RemediationKit;
  readonly adminAccountId: string;
  /** The role of the admin account's state machine: the only principal that may assume the starter role. */
  readonly actionRoleArn: string;
}

export class MemberRemediationAccess extends Construct {
  readonly role: iam.Role;
  readonly storedTarget: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: MemberRemediationAccessProps) {
    super(scope, id);
    const { settings, kit } = props;
    const bindings = kit.bindings;
    this.storedTarget = new ssm.StringParameter(this, 'StoredTarget', {
      parameterName: storedTargetParameterName(settings.ruleName),
      description: 'sagemaker-notebook-vpc-guard: the runbook and target the Security Hub action starts here',
      stringValue: Stack.of(this).toJsonString({
        DocumentName: bindings.runbookName,
        Parameters: runbookTargetParameters(settings, bindings, props.target),
      }),
    });
    this.role = new iam.Role(this, 'StarterRole', {
      roleName: memberStarterRoleName(settings.organization),
      description: 'sagemaker-notebook-vpc-guard: the Security Hub action starts the notebook runbook here',
      assumedBy: new iam.AccountPrincipal(props.adminAccountId).withConditions({
        ArnEquals: { 'aws:PrincipalArn': props.actionRoleArn },
      }),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [this.storedTarget.parameterArn] }),
    );
    const runbook = bindings.runbookName;
    const arn = (resource: string) => `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:StartAutomationExecution'],
        // And the read-only check document the runbook runs first, in case Systems Manager asks its starter too
        // (unconfirmed: "the secondary automation runs in the context of the user who initiated the primary").
        resources: [runbook, bindings.checkDocumentName]
          .flatMap((document) => [arn(`automation-definition/${document}:*`), arn(`document/${document}`)])
          .concat(arn('automation-execution/*')),
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [kit.runbook.automationRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      }),
    );
    const ssmArn = 'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>';
    for (const document of [runbook, bindings.checkDocumentName]) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${ssmArn}:automation-definition/${nagValue(this, document)}:*]`,
        reason:
          'Any version of the runbook or its check document (the default version is the one Config also runs).',
      });
    }
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${ssmArn}:automation-execution/*]`,
      reason:
        'StartAutomationExecution also authorizes on the execution it creates, whose id does not exist beforehand.',
    });
  }
}
