/**
 * The CloudFormation Lambda hook (setting `cloudFormationHook`): the rule's checks before a notebook is created
 * or updated by CloudFormation, CDK or Cloud Control API.
 * - HookFunction: the hook Lambda, deployed from the prebuilt dist/hook/index.js (`npm run build`; the package
 *   ships it); it may only describe subnets, route tables and security groups (and, in organization mode,
 *   assume the member accounts' read-only hook role). In organization mode its name and its role's name are
 *   fixed, so that the member template can name them in every region, and principals of the organization may
 *   invoke it.
 * - NotebookHook: the AWS::CloudFormation::LambdaHook, targeting notebook creates and updates only, with an
 *   execution role CloudFormation assumes that may invoke that one function.
 */
import { Aws, CfnLambdaHook, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { NOTEBOOK_RESOURCE_TYPE } from '../../rule/notebook';
import { type RuleParameters, toInputParameters } from '../../rule/parameters';
import { ARTIFACTS, prebuiltLambdaCode } from '../artifacts';
import { nagValue } from '../nag';
import type { CloudFormationHookMode } from '../settings/index';
import type { MemberAccountAccess } from './rule-function';

/** Hooks wait 30 s for an answer; the function answers before its own timeout (rule/hook/handler.ts). */
export const HOOK_FUNCTION_TIMEOUT = Duration.seconds(20);
export const HOOK_FUNCTION_MEMORY_MB = 512;
/** The only calls the hook makes: the rule's network lookups. */
export const HOOK_ACTIONS = [
  'ec2:DescribeSubnets',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
] as const;
export const HOOK_WILDCARD_REASON = {
  id: 'AwsSolutions-IAM5[Resource::*]',
  reason:
    'ec2:DescribeSubnets, DescribeRouteTables and DescribeSecurityGroups have no resource-level permissions.',
} as const;

/** The hook's read-only EC2 access, for its own role or the role it assumes in a member account. */
export function hookAccessStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'NetworkFacts', actions: [...HOOK_ACTIONS], resources: ['*'] });
}

/** Organization mode: the hook Lambda's fixed names in every region (the role's carries the region). */
export function hookFunctionNames(ruleName: string): { functionName: string; roleName: string } {
  return { functionName: `${ruleName}-hook`, roleName: `${ruleName}-hook-${Aws.REGION}` };
}

export interface HookFunctionProps {
  readonly ruleParameters: RuleParameters;
  readonly logRetentionDays: number;
  readonly organization?: {
    readonly ruleName: string;
    /** The read-only role it assumes in the requesting member account. */
    readonly memberAccess: MemberAccountAccess;
    /** Only these accounts may invoke it; default: any principal of the organization. */
    readonly memberAccountIds?: readonly string[];
  };
}

export class HookFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: HookFunctionProps) {
    super(scope, id);
    const organization = props.organization;
    const names = organization && hookFunctionNames(organization.ruleName);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetentionDays });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'sagemaker-notebook-vpc-guard CloudFormation hook: reads network facts only',
      ...(names && { roleName: names.roleName }),
    });
    this.role.addToPrincipalPolicy(hookAccessStatement());
    logGroup.grantWrite(this.role);
    const access = organization?.memberAccess;
    if (access) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'AssumeMemberHookRole',
          actions: ['sts:AssumeRole'],
          resources: [`arn:${Aws.PARTITION}:iam::*:role/${access.roleName}`],
          conditions: { StringEquals: { 'aws:ResourceOrgID': access.organizationId } },
        }),
      );
    }
    this.function = new lambda.Function(this, 'Function', {
      code: prebuiltLambdaCode(ARTIFACTS.hookBundle),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: HOOK_FUNCTION_TIMEOUT,
      memorySize: HOOK_FUNCTION_MEMORY_MB,
      role: this.role,
      logGroup,
      description: 'sagemaker-notebook-vpc-guard: CloudFormation hook for SageMaker notebook instances',
      ...(names && { functionName: names.functionName }),
      environment: {
        RULE_PARAMETERS: JSON.stringify(toInputParameters(props.ruleParameters)),
        ...(access && { MEMBER_ACCOUNT_ROLE_NAME: access.roleName }),
      },
    });
    Validations.of(this.role).acknowledge(HOOK_WILDCARD_REASON);
    if (organization) allowMemberHooksToInvoke(this.function, organization);
    if (access) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${nagValue(this, access.roleName)}]`,
        reason:
          'The read-only hook role in whichever member account a hook request comes from; only accounts of ' +
          'this organization (aws:ResourceOrgID) and only the role of that one name.',
      });
    }
  }
}

/**
 * The members' hook execution roles invoke the hook Lambda in this account: the listed member accounts, or any
 * principal of the organization (a Lambda permission takes no role-name condition). Whatever calls it, the
 * Lambda only reads network facts through the read-only role of the account a request names.
 */
function allowMemberHooksToInvoke(
  fn: lambda.Function,
  organization: NonNullable<HookFunctionProps['organization']>,
): void {
  const accounts = organization.memberAccountIds;
  const grants = accounts
    ? accounts.map((account) => ({
        id: `HookInvoke${account}`,
        principal: new iam.AccountPrincipal(account),
      }))
    : [
        {
          id: 'HookInvokeOrganization',
          principal: new iam.OrganizationPrincipal(organization.memberAccess.organizationId),
        },
      ];
  for (const { id, principal } of grants)
    fn.addPermission(id, { principal, action: 'lambda:InvokeFunction' });
}

export interface NotebookHookProps {
  readonly mode: Exclude<CloudFormationHookMode, 'off'>;
  /** The hook function's ARN (in organization mode, the delegated-admin account's). */
  readonly functionArn: string;
  /** Unique per account and region; `Private::SageMaker::<rule name>`. */
  readonly ruleName: string;
}

export class NotebookHook extends Construct {
  readonly hook: CfnLambdaHook;
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: NotebookHookProps) {
    super(scope, id);
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('hooks.cloudformation.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description:
        'sagemaker-notebook-vpc-guard: CloudFormation invokes the notebook hook Lambda with this role',
    });
    this.executionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeHook',
        actions: ['lambda:InvokeFunction'],
        resources: [props.functionArn],
      }),
    );
    this.hook = new CfnLambdaHook(this, 'Hook', {
      alias: hookAlias(props.ruleName),
      executionRole: this.executionRole.roleArn,
      failureMode: props.mode === 'fail' ? 'FAIL' : 'WARN',
      hookStatus: 'ENABLED',
      lambdaFunction: props.functionArn,
      // CloudFormation (and CDK) stacks and Cloud Control API; never whole stacks or change sets.
      targetOperations: ['RESOURCE', 'CLOUD_CONTROL'],
      targetFilters: {
        targets: (['CREATE', 'UPDATE'] as const).map((action) => ({
          targetName: NOTEBOOK_RESOURCE_TYPE,
          action,
          invocationPoint: 'PRE_PROVISION',
        })),
      },
    });
    // The hook may run as soon as it exists: its role must already be allowed to invoke.
    const policy = this.executionRole.node.tryFindChild('DefaultPolicy');
    if (policy) this.hook.node.addDependency(policy);
  }
}

/** `Private::SageMaker::SagemakerNotebookVpcGuard` for rule `sagemaker-notebook-vpc-guard`. */
export function hookAlias(ruleName: string): string {
  const name = ruleName
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `Private::SageMaker::${name}`.slice(0, 'Private::SageMaker::'.length + 64);
}
