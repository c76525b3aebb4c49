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
  CfnParameter,
  type IPolicyValidationPlugin,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { conformancePack } from '../detection/conformance-pack';
import { PackDeployment } from '../detection/pack-deployment';
import { RULE_ACCESS_WILDCARD_REASONS, ruleAccessStatements } from '../detection/rule-access';
import { RemediationKit } from '../remediation/remediation-kit';
import type { GuardSettings, OrganizationSettings } from '../settings/index';

/** The member template's parameters, set by the StackSet from the delegated-admin account's resources. */
export const MEMBER_PARAMETERS = {
  ruleFunctionArn: 'RuleFunctionArn',
  ruleFunctionRoleArn: 'RuleFunctionRoleArn',
  adminAccountId: 'AdminAccountId',
} as const;

/** The same name in every account, so the Lambda can build its ARN from the event's account id. */
export function memberRoleName(organization: OrganizationSettings): string {
  return `${organization.memberRoleName}-${Aws.REGION}`;
}

export class MemberAccountStack extends Stack {
  readonly memberRole: iam.Role;
  readonly kit: RemediationKit;
  /** The template's parameters: the StackSet must pass exactly these. */
  readonly parameterNames: string[] = [];

  constructor(scope: Construct, id: string, settings: GuardSettings) {
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
    for (const statement of ruleAccessStatements()) this.memberRole.addToPrincipalPolicy(statement);
    for (const finding of RULE_ACCESS_WILDCARD_REASONS) Validations.of(this.memberRole).acknowledge(finding);

    this.kit = new RemediationKit(this, 'Remediation', settings);
    if (organization.coverage === 'member-conformance-packs') {
      new PackDeployment(this, 'ConformancePack', {
        name: settings.ruleName,
        pack: conformancePack(settings, 'with-target'),
        lambdaFunctionArn: parameter(
          MEMBER_PARAMETERS.ruleFunctionArn,
          'Rule Lambda ARN',
          '^arn:aws[a-z-]*:lambda:.+$',
        ),
        kit: this.kit,
        // Evaluations start with the pack: the Lambda must be able to assume the role first.
        dependsOn: [this.memberRole],
      });
    }
  }
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
  settings: GuardSettings,
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
