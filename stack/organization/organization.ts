/**
 * Organization mode, in the delegated-admin (or management) account: the rule Lambda's invoke permission for
 * Config in member accounts, a service-managed StackSet that prepares every account of the target OUs (and
 * accounts added later), and — with coverage `organization-conformance-pack` — the organization pack.
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
import type { GuardSettings, OrganizationSettings } from '../settings/index';
import { MEMBER_PARAMETERS, type MemberTemplate, synthesizeMemberTemplate } from './member-account';

export interface OrganizationDeploymentProps {
  readonly settings: GuardSettings & { readonly organization: OrganizationSettings };
  readonly ruleFunction: RuleFunction;
  /** Validation plugins (cdk-nag) for the member template, which is synthesized as its own app. */
  readonly memberTemplateChecks?: (app: App) => IPolicyValidationPlugin[];
}

/** Context the member app inherits (the CloudFormation validation switch). */
const INHERITED_CONTEXT = ['@aws-cdk/core:validateAgainstDefaultRules'];

export class OrganizationDeployment extends Construct {
  readonly memberTemplate: MemberTemplate;
  readonly stackSet: CfnStackSet;
  readonly organizationPack?: config.CfnOrganizationConformancePack;

  constructor(scope: Construct, id: string, props: OrganizationDeploymentProps) {
    super(scope, id);
    const { settings, ruleFunction } = props;
    const organization = settings.organization;
    const fn = ruleFunction.function;
    const permissions = (organization.memberAccountIds ?? [undefined]).map((account) =>
      allowConfigToInvoke(this, account ? `ConfigInvoke${account}` : 'ConfigInvokeAnyAccount', fn, account),
    );

    const context = Object.fromEntries(INHERITED_CONTEXT.map((key) => [key, this.node.tryGetContext(key)]));
    const outdir = join(Stage.of(this)?.outdir ?? '.', 'member-account');
    this.memberTemplate = synthesizeMemberTemplate(settings, outdir, context, props.memberTemplateChecks);
    const template = new s3assets.Asset(this, 'MemberTemplate', { path: this.memberTemplate.templateFile });

    this.stackSet = new CfnStackSet(this, 'MemberAccounts', {
      stackSetName: `${settings.ruleName}-member-accounts`,
      description:
        'sagemaker-notebook-vpc-guard: rule access role and remediation runbook in member accounts',
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
      // Config invokes a rule Lambda in its own region only: members are prepared in this region.
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...organization.targetOrganizationalUnitIds] },
          regions: [Aws.REGION],
        },
      ],
      templateUrl: template.httpUrl,
      parameters: memberParameters(this.memberTemplate, {
        [MEMBER_PARAMETERS.ruleFunctionArn]: fn.functionArn,
        [MEMBER_PARAMETERS.ruleFunctionRoleArn]: ruleFunction.role.roleArn,
        [MEMBER_PARAMETERS.adminAccountId]: Aws.ACCOUNT_ID,
      }),
    });
    this.stackSet.node.addDependency(...permissions);

    if (organization.coverage === 'organization-conformance-pack') {
      const pack = conformancePack(settings, 'with-target');
      this.organizationPack = new config.CfnOrganizationConformancePack(this, 'OrganizationPack', {
        organizationConformancePackName: settings.ruleName,
        templateBody: pack.yaml,
        conformancePackInputParameters: packInputParameters(pack, { lambdaFunctionArn: fn.functionArn }),
      });
      // Evaluations start at once: the member roles must exist first.
      this.organizationPack.node.addDependency(this.stackSet, ...permissions);
    }
  }
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
