/**
 * The template the StackSet deploys into every member account (organization mode): the role the rule
 * Lambda assumes there (read + PutEvaluations), the runbook with its automation role and backup bucket, and
 * — with coverage `member-conformance-packs` — the conformance pack naming that account's own role.
 * It is synthesized as its own app (no assets, no bootstrap) and handed to the StackSet as a file asset.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  App,
  Aws,
  BootstraplessSynthesizer,
  CfnMapping,
  CfnParameter,
  type IPolicyValidationPlugin,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import {
  HOOK_WILDCARD_REASON,
  hookAccessStatement,
  hookFunctionNames,
  NotebookHook,
} from '../detection/cloudformation-hook';
import { literalTarget } from '../detection/config-resources';
import {
  conformancePack,
  PACK_SECURITY_GROUP_PARAMETERS,
  type PackTargetValues,
} from '../detection/conformance-pack';
import { PackDeployment } from '../detection/pack-deployment';
import { RULE_ACCESS_WILDCARD_REASONS, ruleAccessStatements } from '../detection/rule-access';
import { RemediationKit } from '../remediation/remediation-kit';
import { MemberRemediationAccess } from '../security-hub/member-access';
import type { GuardSettings, OrganizationSettings, RemediationTarget } from '../settings/index';

/** The member template's parameters, set by the StackSet from the delegated-admin account's resources. */
export const MEMBER_PARAMETERS = {
  ruleFunctionName: 'RuleFunctionName',
  ruleFunctionRoleArn: 'RuleFunctionRoleArn',
  adminAccountId: 'AdminAccountId',
  securityHubActionRoleArn: 'SecurityHubActionRoleArn',
} as const;

/** The same name in every account, so the Lambda can build its ARN from the event's account id. */
export function memberRoleName(organization: OrganizationSettings): string {
  return `${organization.memberRoleName}-${Aws.REGION}`;
}

/** The read-only role the hook Lambda assumes in a member account (same name everywhere, like the rule's). */
export function memberHookRoleName(organization: OrganizationSettings): string {
  return `${organization.memberRoleName}-hook-${Aws.REGION}`;
}

export interface MemberAccountSettings {
  readonly settings: GuardSettings;
  /**
   * Several regions: each region's remediation target. One template serves every region, so the target is
   * looked up by the stack's region (a mapping) instead of the settings' single target.
   */
  readonly regionalTargets?: Readonly<Record<string, RemediationTarget>>;
}

export class MemberAccountStack extends Stack {
  readonly memberRole: iam.Role;
  readonly kit: RemediationKit;
  /** With cloudFormationHook warn or fail: the hook on this account's notebooks, calling the admin's Lambda. */
  readonly cloudFormationHook?: NotebookHook;
  /** The template's parameters: the StackSet must pass exactly these. */
  readonly parameterNames: string[] = [];

  constructor(scope: Construct, id: string, { settings, regionalTargets }: MemberAccountSettings) {
    super(scope, id, {
      synthesizer: new BootstraplessSynthesizer(),
      description: 'sagemaker-notebook-vpc-guard member account: rule access role, remediation runbook',
    });
    const organization = settings.organization;
    if (!organization) throw new Error('MemberAccountStack needs organization settings');
    const parameter = (name: string, description: string, allowedPattern: string) => {
      this.parameterNames.push(name);
      return new CfnParameter(this, name, { type: 'String', description, allowedPattern }).valueAsString;
    };
    const functionRoleArn = parameter(
      MEMBER_PARAMETERS.ruleFunctionRoleArn,
      'Rule Lambda role ARN',
      '^arn:aws[a-z-]*:iam::.+$',
    );
    const adminAccount = parameter(
      MEMBER_PARAMETERS.adminAccountId,
      'Account of the rule Lambda',
      '^\\d{12}$',
    );

    // Trusts the admin account only for the Lambda's own role (by ARN, so recreating that role keeps working).
    this.memberRole = new iam.Role(this, 'RuleAccessRole', {
      roleName: memberRoleName(organization),
      description:
        'sagemaker-notebook-vpc-guard: the rule Lambda reads notebooks and reports evaluations here',
      assumedBy: new iam.AccountPrincipal(adminAccount).withConditions({
        ArnEquals: { 'aws:PrincipalArn': functionRoleArn },
      }),
    });
    for (const statement of ruleAccessStatements(settings.securityHubFindings))
      this.memberRole.addToPrincipalPolicy(statement);
    for (const finding of RULE_ACCESS_WILDCARD_REASONS) Validations.of(this.memberRole).acknowledge(finding);

    const hookMode = settings.cloudFormationHook;
    if (hookMode !== 'off') {
      this.cloudFormationHook = memberHook(this, hookMode, settings.ruleName, organization, adminAccount);
    }

    this.kit = new RemediationKit(this, 'Remediation', settings);
    // Several regions: one template, each stack instance picks its region's target.
    const target = regionalTargets && regionalTarget(this, regionalTargets);
    if (organization.coverage === 'member-conformance-packs') {
      const functionName = parameter(
        MEMBER_PARAMETERS.ruleFunctionName,
        'Rule Lambda name (the same in every region of the admin account)',
        '^[a-zA-Z0-9-_]{1,64}$',
      );
      new PackDeployment(this, 'ConformancePack', {
        name: settings.ruleName,
        pack: conformancePack(settings, 'with-target'),
        // Config invokes a rule Lambda in its own region only: this region's function.
        lambdaFunctionArn: `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${adminAccount}:function:${functionName}`,
        ...(target && { target }),
        kit: this.kit,
        // Evaluations start with the pack: the Lambda must be able to assume the role first.
        dependsOn: [this.memberRole],
      });
    }
    const storedTarget = target ?? (settings.remediationTarget && literalTarget(settings.remediationTarget));
    if (settings.securityHubAction && storedTarget) {
      new MemberRemediationAccess(this, 'SecurityHubAction', {
        settings: { ...settings, organization },
        target: storedTarget,
        kit: this.kit,
        adminAccountId: adminAccount,
        actionRoleArn: parameter(
          MEMBER_PARAMETERS.securityHubActionRoleArn,
          "Role of the admin account's Security Hub action",
          '^arn:aws[a-z-]*:iam::.+$',
        ),
      });
    }
  }
}

/**
 * The hook on this account's notebooks, calling the hook Lambda of the admin account in this region (its name
 * and its role's name are fixed, so one template serves every region), and the read-only role that Lambda
 * assumes here (EC2 describes only; trusted for that one role of the admin account).
 */
function memberHook(
  stack: Stack,
  mode: 'warn' | 'fail',
  ruleName: string,
  organization: OrganizationSettings,
  adminAccount: string,
): NotebookHook {
  const names = hookFunctionNames(ruleName);
  const hookRole = new iam.Role(stack, 'HookReadRole', {
    roleName: memberHookRoleName(organization),
    description: 'sagemaker-notebook-vpc-guard: the CloudFormation hook Lambda reads network facts here',
    assumedBy: new iam.AccountPrincipal(adminAccount).withConditions({
      ArnEquals: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${adminAccount}:role/${names.roleName}` },
    }),
  });
  hookRole.addToPrincipalPolicy(hookAccessStatement());
  Validations.of(hookRole).acknowledge(HOOK_WILDCARD_REASON);
  const hook = new NotebookHook(stack, 'CloudFormationHook', {
    mode,
    functionArn: `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${adminAccount}:function:${names.functionName}`,
    ruleName,
  });
  // A hook request is evaluated at once: the role the Lambda reads through must exist first.
  hook.node.addDependency(hookRole);
  return hook;
}

/** The stack's region's target, from a mapping of every region's (each group slot filled, or empty). */
function regionalTarget(
  stack: Stack,
  targets: Readonly<Record<string, RemediationTarget>>,
): PackTargetValues {
  const slots = PACK_SECURITY_GROUP_PARAMETERS.map((_parameter, index) => `SecurityGroupId${index + 1}`);
  const mapping = new CfnMapping(stack, 'RemediationTargets', {
    mapping: Object.fromEntries(
      Object.entries(targets).map(([region, target]) => [
        region,
        {
          SubnetId: target.subnetId,
          DirectInternetAccess: target.directInternetAccess,
          ...Object.fromEntries(slots.map((slot, index) => [slot, target.securityGroupIds[index] ?? ''])),
        },
      ]),
    ),
  });
  const value = (key: string) => mapping.findInMap(Aws.REGION, key);
  return {
    subnetId: value('SubnetId'),
    securityGroupIds: slots.map(value),
    directInternetAccess: value('DirectInternetAccess'),
  };
}

export interface MemberTemplate {
  readonly stack: MemberAccountStack;
  /** Path of the synthesized template (JSON). */
  readonly templateFile: string;
}

/**
 * Synthesizes the member stack into `outdir` as a separate app (it must not be deployed as a stack of the
 * user's app), running the given validation plugins (cdk-nag) on it like on the main app.
 */
export function synthesizeMemberTemplate(
  settings: MemberAccountSettings,
  outdir: string,
  context: Readonly<Record<string, unknown>>,
  validationPlugins: (app: App) => IPolicyValidationPlugin[] = () => [],
): MemberTemplate {
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, context: { ...context }, analyticsReporting: false });
  const stack = new MemberAccountStack(app, 'MemberAccount', settings);
  Validations.of(app).addPlugins(...validationPlugins(app));
  const assembly = app.synth();
  return {
    stack,
    templateFile: join(assembly.directory, assembly.getStackByName(stack.stackName).templateFile),
  };
}
