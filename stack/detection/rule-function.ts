/**
 * The rule Lambda. Its code is the prebuilt bundle folder dist/rule (index.js and the modules it loads only when
 * needed; `npm run build`, the package ships it), deployed as it is: byte for byte the build's output, with
 * nothing to bundle at synth.
 */
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ARTIFACTS, prebuiltLambdaCode } from '../artifacts';
import { nagValue } from '../nag';
import { importSharedRole } from '../regions/shared-roles';
import { RULE_ACCESS_WILDCARD_REASONS, ruleAccessStatements } from './rule-access';

/** A sweep of thousands of notebooks: bounded-concurrency API calls that must finish within one invocation. */
export const RULE_FUNCTION_TIMEOUT = Duration.minutes(15);
export const RULE_FUNCTION_MEMORY_MB = 1024;

export interface MemberAccountAccess {
  /** The role name the Lambda assumes in member accounts (the same in every account). */
  readonly roleName: string;
  /** AssumeRole is allowed only into accounts of this organization. */
  readonly organizationId: string;
}

export interface RuleFunctionProps {
  readonly logRetentionDays: number;
  /** SECURITY_HUB_FINDINGS: whether the rule imports its own findings (and may call BatchImportFindings). */
  readonly securityHubFindings: 'import' | 'off';
  /** Organization mode. */
  readonly memberAccountAccess?: MemberAccountAccess;
  /** Several regions: the account's shared role (ruleFunctionRoleProps), to which this region adds its policy. */
  readonly sharedRoleName?: string;
  /** A fixed name, so that other stacks can build the function's ARN (organization mode). */
  readonly functionName?: string;
}

/** The role without its permissions (each region adds its own): Lambda may assume it. */
export function ruleFunctionRoleProps(): iam.RoleProps {
  return {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'sagemaker-notebook-vpc-guard rule: reads notebooks and network facts, reports evaluations',
  };
}

export class RuleFunction extends Construct {
  readonly function: lambda.IFunction;
  readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: RuleFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetentionDays });
    this.role =
      props.sharedRoleName === undefined
        ? new iam.Role(this, 'Role', ruleFunctionRoleProps())
        : importSharedRole(this, 'Role', props.sharedRoleName);
    for (const statement of ruleAccessStatements(props.securityHubFindings))
      this.role.addToPrincipalPolicy(statement);
    logGroup.grantWrite(this.role);
    const access = props.memberAccountAccess;
    if (access) this.role.addToPrincipalPolicy(assumeMemberRoleStatement(access));

    this.function = new lambda.Function(this, 'Function', {
      code: prebuiltLambdaCode(ARTIFACTS.ruleBundle),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: RULE_FUNCTION_TIMEOUT,
      memorySize: RULE_FUNCTION_MEMORY_MB,
      role: this.role,
      logGroup,
      description: 'sagemaker-notebook-vpc-guard: evaluates SageMaker notebook instances for VPC placement',
      ...(props.functionName !== undefined && { functionName: props.functionName }),
      environment: {
        SECURITY_HUB_FINDINGS: props.securityHubFindings,
        ...(access && { MEMBER_ACCOUNT_ROLE_NAME: access.roleName }),
      },
    });
    for (const finding of RULE_ACCESS_WILDCARD_REASONS) Validations.of(this.role).acknowledge(finding);
    if (access) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${nagValue(this, access.roleName)}]`,
        reason:
          'The member-account role in whichever account an evaluation is for; only accounts of this ' +
          'organization (aws:ResourceOrgID) and only the role of that one name.',
      });
    }
  }
}

function assumeMemberRoleStatement(access: MemberAccountAccess): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AssumeMemberAccountRole',
    actions: ['sts:AssumeRole'],
    resources: [`arn:${Aws.PARTITION}:iam::*:role/${access.roleName}`],
    conditions: { StringEquals: { 'aws:ResourceOrgID': access.organizationId } },
  });
}
