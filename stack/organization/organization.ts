/**
 * Organization mode, in the delegated-admin (or management) account: the rule Lambda's invoke permission for
 * Config in member accounts, a service-managed StackSet that prepares every account of the target OUs (and
 * accounts added later), and — with coverage `organization-conformance-pack` — the organization pack. The rule
 * Lambda is named after the rule in every region, so that the member template can build the ARN of its own
 * region's function.
 *
 * Without `memberAccountIds`, Config in any account may invoke the function: Lambda permissions for a
 * service principal cannot be limited to an organization. The function still reads and reports only
 * through roles it may assume inside the organization (aws:ResourceOrgID), so an outside account gets nothing.
 */
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Aws, CfnStackSet, type IPolicyValidationPlugin, Stage } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { allowConfigToInvoke } from '../detection/config-invoke';
import { conformancePack, packInputParameters } from '../detection/conformance-pack';
import type { RuleFunction } from '../detection/rule-function';
import type { GuardSettings, OrganizationSettings, RemediationTarget } from '../settings/index';
import { MEMBER_PARAMETERS, type MemberTemplate, synthesizeMemberTemplate } from './member-account';

export interface OrganizationDeploymentProps {
  readonly settings: GuardSettings & { readonly organization: OrganizationSettings };
  readonly ruleFunction: RuleFunction;
  /** The Security Hub action's state machine role: members let it start their runbook (when the action is on). */
  readonly securityHubActionRoleArn?: string;
  /** Validation plugins (cdk-nag) for the member template, which is synthesized as its own app. */
  readonly memberTemplateChecks?: (app: App) => IPolicyValidationPlugin[];
  /**
   * Several regions: the StackSet is deployed once for all of them, by NotebookVpcGuardStacks' organization
   * stack, so this region deploys only the invoke permissions and its organization pack. Default true.
   */
  readonly includeStackSet?: boolean;
}

/** Context the member app inherits (the CloudFormation validation switch). */
const INHERITED_CONTEXT = ['@aws-cdk/core:validateAgainstDefaultRules'];

/** The region's part: Config in member accounts may invoke this region's Lambda; the organization pack. */
export class OrganizationDeployment extends Construct {
  /** Absent when includeStackSet is false. */
  readonly memberTemplate?: MemberTemplate;
  readonly stackSet?: CfnStackSet;
  readonly organizationPack?: config.CfnOrganizationConformancePack;

  constructor(scope: Construct, id: string, props: OrganizationDeploymentProps) {
    super(scope, id);
    const { settings, ruleFunction } = props;
    const organization = settings.organization;
    const fn = ruleFunction.function;
    const permissions = (organization.memberAccountIds ?? [undefined]).map((account) =>
      allowConfigToInvoke(this, account ? `ConfigInvoke${account}` : 'ConfigInvokeAnyAccount', fn, account),
    );
    if (props.includeStackSet !== false) {
      const { memberTemplate, stackSet } = deployMemberStackSet(this, {
        settings,
        ruleFunctionRoleArn: ruleFunction.role.roleArn,
        ...(props.securityHubActionRoleArn && { securityHubActionRoleArn: props.securityHubActionRoleArn }),
        ...(props.memberTemplateChecks && { memberTemplateChecks: props.memberTemplateChecks }),
      });
      this.memberTemplate = memberTemplate;
      this.stackSet = stackSet;
      stackSet.node.addDependency(...permissions);
    }

    if (organization.coverage === 'organization-conformance-pack') {
      const pack = conformancePack(settings, 'with-target');
      this.organizationPack = new config.CfnOrganizationConformancePack(this, 'OrganizationPack', {
        organizationConformancePackName: settings.ruleName,
        templateBody: pack.yaml,
        conformancePackInputParameters: packInputParameters(pack, { lambdaFunctionArn: fn.functionArn }),
      });
      // Evaluations start at once: the member roles must exist first (several regions: by stack order).
      this.organizationPack.node.addDependency(...(this.stackSet ? [this.stackSet] : []), ...permissions);
    }
  }
}

export interface MemberStackSetProps {
  readonly settings: GuardSettings & { readonly organization: OrganizationSettings };
  /** The rule Lambda's role, which member roles trust. */
  readonly ruleFunctionRoleArn: string;
  /** The Security Hub action's state machine role, which members' starter roles trust (the action is on). */
  readonly securityHubActionRoleArn?: string;
  /** Regions of the stack instances. Default: this stack's region. */
  readonly regions?: readonly string[];
  /** Several regions: each region's remediation target (the member template picks its region's). */
  readonly regionalTargets?: Readonly<Record<string, RemediationTarget>>;
  readonly memberTemplateChecks?: (app: App) => IPolicyValidationPlugin[];
}

/**
 * The service-managed StackSet that prepares every account of the target OUs (and accounts added later) in
 * every region, in `scope` (MemberTemplate, MemberAccounts): the member template, synthesized once as its own
 * app and handed over as a file asset.
 */
export function deployMemberStackSet(
  scope: Construct,
  props: MemberStackSetProps,
): { readonly memberTemplate: MemberTemplate; readonly stackSet: CfnStackSet } {
  const { settings } = props;
  const organization = settings.organization;
  const context = Object.fromEntries(INHERITED_CONTEXT.map((key) => [key, scope.node.tryGetContext(key)]));
  const outdir = join(Stage.of(scope)?.outdir ?? '.', 'member-account');
  const memberTemplate = synthesizeMemberTemplate(
    { settings, ...(props.regionalTargets && { regionalTargets: props.regionalTargets }) },
    outdir,
    context,
    props.memberTemplateChecks,
  );
  const template = new s3assets.Asset(scope, 'MemberTemplate', { path: memberTemplate.templateFile });
  const stackSet = new CfnStackSet(scope, 'MemberAccounts', {
    stackSetName: `${settings.ruleName}-member-accounts`,
    description: 'sagemaker-notebook-vpc-guard: rule access role and remediation runbook in member accounts',
    permissionModel: 'SERVICE_MANAGED',
    callAs: organization.callAs,
    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
    // The member role has a fixed name (the Lambda builds its ARN), hence CAPABILITY_NAMED_IAM.
    capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    managedExecution: { Active: true },
    operationPreferences: {
      failureTolerancePercentage: 10,
      maxConcurrentPercentage: 25,
      regionConcurrencyType: 'PARALLEL',
    },
    // Config invokes a rule Lambda in its own region only: each region's members use that region's Lambda.
    stackInstancesGroup: [
      {
        deploymentTargets: { organizationalUnitIds: [...organization.targetOrganizationalUnitIds] },
        regions: [...(props.regions ?? [Aws.REGION])],
      },
    ],
    templateUrl: template.httpUrl,
    parameters: memberParameters(memberTemplate, {
      [MEMBER_PARAMETERS.ruleFunctionName]: settings.ruleName,
      [MEMBER_PARAMETERS.ruleFunctionRoleArn]: props.ruleFunctionRoleArn,
      [MEMBER_PARAMETERS.adminAccountId]: Aws.ACCOUNT_ID,
      ...(props.securityHubActionRoleArn && {
        [MEMBER_PARAMETERS.securityHubActionRoleArn]: props.securityHubActionRoleArn,
      }),
    }),
  });
  return { memberTemplate, stackSet };
}

/** A StackSet fails on parameters its template does not declare: pass exactly the declared ones. */
function memberParameters(
  template: MemberTemplate,
  values: Readonly<Record<string, string>>,
): CfnStackSet.ParameterProperty[] {
  return template.stack.parameterNames.map((parameterKey) => {
    const parameterValue = values[parameterKey];
    if (parameterValue === undefined)
      throw new Error(`No value for member template parameter ${parameterKey}`);
    return { parameterKey, parameterValue };
  });
}
