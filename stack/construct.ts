/**
 * NotebookVpcGuard: the reusable construct. Detection (the rule Lambda and a Config rule or conformance
 * pack), remediation (runbook, automation role, backup bucket, remediation configuration), Security Hub
 * one-click, or the organization deployment — chosen by the settings, which are validated first.
 */

import type { App } from 'aws-cdk-lib';
import { Aws, CfnOutput, type IPolicyValidationPlugin } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { HookFunction, NotebookHook } from './detection/cloudformation-hook';
import { allowConfigToInvoke } from './detection/config-invoke';
import { StandaloneConfigRule } from './detection/config-rule';
import { type ConformancePack, conformancePack } from './detection/conformance-pack';
import { PackDeployment } from './detection/pack-deployment';
import { RuleFunction } from './detection/rule-function';
import { NotebookGuardrails } from './guardrails/index';
import { memberHookRoleName, memberRoleName } from './organization/member-account';
import { OrganizationDeployment } from './organization/organization';
import type { SharedRoleNames } from './regions/shared-roles';
import { RemediationKit } from './remediation/remediation-kit';
import { SecurityHubAction, type SecurityHubActionProps } from './security-hub/action';
import { startHere } from './security-hub/start-here';
import { startInMember } from './security-hub/start-in-member';
import type { Guardrails } from './settings/index';
import { type GuardSettings, type NotebookVpcGuardProps, resolveSettings } from './settings/index';

export interface NotebookVpcGuardConstructProps extends NotebookVpcGuardProps {
  /** Organization mode: validation plugins (cdk-nag) for the member template, synthesized as its own app. */
  readonly memberTemplateChecks?: (app: App) => IPolicyValidationPlugin[];
  /**
   * Set by NotebookVpcGuardStacks when this construct deploys one region of several: the account stack created
   * the IAM roles (this region attaches its own policies to them) and the guardrails, and the organization
   * StackSet is deployed once for every region.
   */
  readonly sharedAccountResources?: SharedAccountResources;
}

export interface SharedAccountResources {
  readonly roles: SharedRoleNames;
}

export class NotebookVpcGuard extends Construct {
  readonly settings: GuardSettings;
  readonly ruleFunction: RuleFunction;
  /** The pack template this deployment uses (or would use): dist/conformance-pack.yaml. */
  readonly conformancePack: ConformancePack;
  readonly remediation?: RemediationKit;
  readonly configRule?: StandaloneConfigRule;
  readonly packDeployment?: PackDeployment;
  securityHubAction?: SecurityHubAction;
  readonly organization?: OrganizationDeployment;
  /** Deployed only when asked (guardrailManagedPolicy, guardrailScpTargetIds). */
  readonly guardrails?: NotebookGuardrails;
  /** With cloudFormationHook warn or fail: the hook Lambda (in organization mode, the members' hooks call it). */
  readonly hookFunction?: HookFunction;
  /** With cloudFormationHook warn or fail, outside organization mode: the hook itself. */
  readonly cloudFormationHook?: NotebookHook;

  constructor(scope: Construct, id: string, props: NotebookVpcGuardConstructProps = {}) {
    super(scope, id);
    const settings = resolveSettings(props);
    this.settings = settings;
    const organization = settings.organization;
    const shared = props.sharedAccountResources;
    this.ruleFunction = new RuleFunction(this, 'RuleFunction', {
      logRetentionDays: settings.logRetentionDays,
      securityHubFindings: settings.securityHubFindings,
      ...(organization && {
        memberAccountAccess: {
          roleName: memberRoleName(organization),
          organizationId: organization.organizationId,
        },
        // The member template builds its own region's function ARN from this name.
        functionName: settings.ruleName,
      }),
      ...(shared && { sharedRoleName: shared.roles.ruleFunction }),
    });
    const fn = this.ruleFunction.function;
    this.conformancePack = conformancePack(settings, 'always');
    this.output('RuleFunctionName', fn.functionName, 'The rule Lambda');
    this.guardrails = shared ? undefined : deployGuardrails(this, settings.guardrails);
    const hookMode = settings.cloudFormationHook;
    if (hookMode !== 'off') {
      this.hookFunction = new HookFunction(this, 'CloudFormationHookFunction', {
        ruleParameters: settings.ruleParameters,
        logRetentionDays: settings.logRetentionDays,
        ...(organization && {
          organization: {
            ruleName: settings.ruleName,
            memberAccess: {
              roleName: memberHookRoleName(organization),
              organizationId: organization.organizationId,
            },
            ...(organization.memberAccountIds && { memberAccountIds: organization.memberAccountIds }),
          },
        }),
      });
      if (!organization) {
        this.cloudFormationHook = new NotebookHook(this, 'CloudFormationHook', {
          mode: hookMode,
          functionArn: this.hookFunction.function.functionArn,
          ruleName: settings.ruleName,
        });
      }
    }

    if (organization) {
      // The action starts the runbook in each finding's member account, through a role the StackSet deploys.
      const action =
        settings.securityHubAction && settings.remediationTarget
          ? this.securityHub(
              { ruleName: settings.ruleName },
              (scope) => startInMember(scope, { ...settings, organization }),
              shared,
            )
          : undefined;
      this.organization = new OrganizationDeployment(this, 'Organization', {
        settings: { ...settings, organization },
        ruleFunction: this.ruleFunction,
        includeStackSet: !shared,
        ...(action && { securityHubActionRoleArn: action.stateMachine.role.roleArn }),
        ...(props.memberTemplateChecks && { memberTemplateChecks: props.memberTemplateChecks }),
      });
      if (this.organization.stackSet) {
        this.output(
          'MemberStackSetName',
          this.organization.stackSet.attrStackSetId,
          'StackSet of the member accounts',
        );
      }
      return;
    }

    const kit = new RemediationKit(this, 'Remediation', settings, shared?.roles.automation);
    this.remediation = kit;
    if (settings.deployment === 'conformance-pack') {
      this.packDeployment = new PackDeployment(this, 'ConformancePack', {
        name: settings.ruleName,
        pack: conformancePack(settings, 'with-target'),
        lambdaFunctionArn: fn.functionArn,
        kit,
        dependsOn: [allowConfigToInvoke(this, 'ConfigInvokePermission', fn, Aws.ACCOUNT_ID)],
      });
    } else {
      this.configRule = new StandaloneConfigRule(this, 'ConfigRule', {
        settings,
        ruleFunction: fn,
        remediation: kit.bindings,
        remediationDependsOn: kit,
      });
      this.output('ConfigRuleName', this.configRule.rule.ref, 'The Config rule');
    }
    const target = settings.remediationTarget;
    if (settings.securityHubAction && target) {
      const filter = {
        ruleName: settings.ruleName,
        account: Aws.ACCOUNT_ID,
        // A conformance pack's rule has an ARN the stack cannot know: its findings are matched by name.
        ...(this.configRule && { configRuleArn: this.configRule.rule.getAtt('Arn').toString() }),
      };
      this.securityHub(
        filter,
        (scope) => startHere(scope, settings, target, kit.bindings, kit.runbook.automationRole),
        shared,
      );
    }
    this.output('RunbookName', kit.runbook.documentName, 'The remediation runbook (SSM Automation document)');
    this.output('AutomationRoleArn', kit.runbook.automationRole.roleArn, 'Role the runbook runs as');
    if (kit.backupBucketName !== undefined) this.output('BackupBucketName', kit.backupBucketName, 'Backups');
    if (kit.notebookRolePolicy) {
      this.output(
        'NotebookRolePolicyArn',
        kit.notebookRolePolicy.managedPolicyArn,
        'Attach to notebook execution roles that lack backup or VPC permissions',
      );
    }
  }

  /** The "Recreate in VPC" custom action, in this account. */
  private securityHub(
    filter: SecurityHubActionProps['filter'],
    starter: SecurityHubActionProps['starter'],
    shared: SharedAccountResources | undefined,
  ): SecurityHubAction {
    const action = new SecurityHubAction(this, 'SecurityHub', {
      filter,
      starter,
      logRetentionDays: this.settings.logRetentionDays,
      ...(shared && { sharedRoleNames: shared.roles.securityHub }),
    });
    this.securityHubAction = action;
    this.output('SecurityHubActionArn', action.actionTarget.attrActionTargetArn, 'Custom action');
    return action;
  }

  private output(id: string, value: string, description: string): void {
    new CfnOutput(this, id, { value, description });
  }
}

/** The guardrail managed policy (single account) or SCP (organization), when the settings ask for one. */
export function deployGuardrails(scope: Construct, guardrails: Guardrails): NotebookGuardrails | undefined {
  const { managedPolicy, scpTargetIds } = guardrails;
  if (!managedPolicy && !scpTargetIds) return undefined;
  return new NotebookGuardrails(scope, 'Guardrails', {
    settings: guardrails.settings,
    ...(managedPolicy && {
      managedPolicy: {
        roles: managedPolicy.roleNames.map((name) =>
          iam.Role.fromRoleName(scope, `GuardrailRole${name}`, name),
        ),
      },
    }),
    ...(scpTargetIds && { serviceControlPolicy: { targetIds: scpTargetIds } }),
  });
}
