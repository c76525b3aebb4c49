/**
 * What an account holds once, however many regions are deployed (the account stack, in the home region): the
 * shared IAM roles — the rule Lambda's and, outside organization mode, the runbook's and the Security Hub
 * action's — with their trust only
 * (each region's stack attaches its own policy, scoped to that region), and the guardrails (the IAM managed
 * policy or the SCP). Deployed before the regions' stacks.
 */
import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { deployGuardrails } from '../construct';
import { ruleFunctionRoleProps } from '../detection/rule-function';
import type { NotebookGuardrails } from '../guardrails/index';
import { automationRoleProps } from '../remediation/runbook';
import { securityHubRoleProps } from '../security-hub/action';
import type { Guardrails } from '../settings/index';
import type { SharedRoleNames } from './shared-roles';

export interface NotebookVpcGuardAccountProps {
  readonly roles: SharedRoleNames;
  /** Organization mode has no runbook in this account (member accounts have their own, per region). */
  readonly automationRole: boolean;
  /** The regions deployed: the automation role trusts Automation executions of these only. */
  readonly regions: readonly string[];
  /** Some region deploys the Security Hub action. */
  readonly securityHubRoles: boolean;
  /** Every region's guardrail settings in one (all remediation targets approved). */
  readonly guardrails: Guardrails;
}

export class NotebookVpcGuardAccount extends Construct {
  readonly ruleFunctionRole: iam.Role;
  readonly automationRole?: iam.Role;
  readonly securityHubRoles?: readonly iam.Role[];
  readonly guardrails?: NotebookGuardrails;

  constructor(scope: Construct, id: string, props: NotebookVpcGuardAccountProps) {
    super(scope, id);
    this.ruleFunctionRole = new iam.Role(this, 'RuleFunctionRole', {
      ...ruleFunctionRoleProps(),
      roleName: props.roles.ruleFunction,
    });
    new CfnOutput(this, 'RuleFunctionRoleArn', {
      value: this.ruleFunctionRole.roleArn,
      description: "The rule Lambda's role, in every region",
    });
    if (props.automationRole) {
      this.automationRole = new iam.Role(this, 'AutomationRole', {
        ...automationRoleProps(props.regions),
        roleName: props.roles.automation,
      });
      new CfnOutput(this, 'AutomationRoleArn', {
        value: this.automationRole.roleArn,
        description: 'Role the runbook runs as, in every region',
      });
    }
    if (props.securityHubRoles) {
      const roleProps = securityHubRoleProps();
      this.securityHubRoles = [
        new iam.Role(this, 'SecurityHubStartRunbooksRole', {
          ...roleProps.startRunbooks,
          roleName: props.roles.securityHub.startRunbooks,
        }),
        new iam.Role(this, 'SecurityHubEventsRole', {
          ...roleProps.events,
          roleName: props.roles.securityHub.events,
        }),
      ];
    }
    this.guardrails = deployGuardrails(this, props.guardrails);
  }
}
