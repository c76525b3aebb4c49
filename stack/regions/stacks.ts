/**
 * Every region in one deploy. Config rules, runbooks and notebooks are regional, IAM and Organizations policies
 * are not, so with several `regions` (the first is the home region) the deployment is these stacks:
 *
 *   <name>                 home region: the shared IAM roles and the guardrails, created once (account.ts)
 *   <name>-<region>        each region: the rule Lambda, the Config rule or pack, the runbook, the backup bucket,
 *                          the remediation and the Security Hub action — or, in organization mode, the Lambda,
 *                          its invoke permissions and the organization pack of that region
 *   <name>-organization    organization mode, home region: the StackSet, whose instances cover every region
 *
 * Deploy order (stack dependencies, `cdk deploy --all` follows them): the account stack first; in organization
 * mode the StackSet after every region's Lambda when member packs name it (member-conformance-packs), before the
 * regions' organization packs when those need the member roles (organization-conformance-pack).
 * Without `regions`, or with one, it is one stack with one NotebookVpcGuard, as before.
 */
import { Aws, type CfnStackSet, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { NotebookVpcGuard, type NotebookVpcGuardConstructProps } from '../construct';
import type { MemberTemplate } from '../organization/member-account';
import { deployMemberStackSet } from '../organization/organization';
import {
  type Guardrails,
  type GuardSettings,
  InvalidSettingError,
  type RegionProps,
  resolveGuardrails,
  resolveRegions,
  resolveSettings,
} from '../settings/index';
import { NotebookVpcGuardAccount } from './account';
import { MAX_SHARED_ROLE_RULE_NAME, sharedRoleNames } from './shared-roles';

export const DEFAULT_STACK_NAME = 'SageMakerNotebookVpcGuard';
const DESCRIPTION = 'sagemaker-notebook-vpc-guard: keeps SageMaker notebook instances in a customer VPC';

export interface NotebookVpcGuardStacksProps extends NotebookVpcGuardConstructProps {
  /** The stack's name, or with several regions the prefix of every stack's name. Default SageMakerNotebookVpcGuard. */
  readonly stackName?: string;
  /** The account of every stack. Default: the one the CDK CLI deploys to. */
  readonly account?: string;
}

export interface RegionalStack {
  /** Undefined without `regions`: the stack's region is the one the CDK CLI deploys to. */
  readonly region?: string;
  readonly stack: Stack;
  readonly guard: NotebookVpcGuard;
}

export class NotebookVpcGuardStacks {
  /** One stack per region (one stack without `regions`). */
  readonly regional: readonly RegionalStack[];
  /** Several regions: the account-wide resources, in the home region. */
  readonly account?: { readonly stack: Stack; readonly resources: NotebookVpcGuardAccount };
  /** Several regions, organization mode: the StackSet for every region, in the home region. */
  readonly organization?: {
    readonly stack: Stack;
    readonly stackSet: CfnStackSet;
    readonly memberTemplate: MemberTemplate;
  };
  /** The guardrails of the whole deployment (with several regions: every region's target approved). */
  readonly guardrails: Guardrails;

  constructor(scope: Construct, props: NotebookVpcGuardStacksProps = {}) {
    const { stackName = DEFAULT_STACK_NAME, account, memberTemplateChecks, ...guardProps } = props;
    const plan = resolveRegions(guardProps);
    const checks = memberTemplateChecks && { memberTemplateChecks };
    const stack = (name: string, region: string | undefined, description = DESCRIPTION) =>
      new Stack(scope, name, {
        description,
        ...((account !== undefined || region !== undefined) && { env: { account, region } }),
      });

    if (plan === undefined || plan.regions.length === 1) {
      const region = plan?.home;
      const only = stack(stackName, region);
      const guard = new NotebookVpcGuard(only, 'Guard', {
        ...(plan?.props[0]?.props ?? guardProps),
        ...checks,
      });
      this.regional = [{ ...(region && { region }), stack: only, guard }];
      this.guardrails = guard.settings.guardrails;
      return;
    }

    const regions = plan.props.map((region) => ({ ...region, settings: resolveRegion(region) }));
    const [home] = regions;
    if (home === undefined) throw new Error('a plan of several regions has a home region');
    const { ruleName, organization } = home.settings;
    if (ruleName.length > MAX_SHARED_ROLE_RULE_NAME) {
      throw new InvalidSettingError(
        'ruleName',
        `with several regions the shared roles are named <ruleName>-rule-function, <ruleName>-runbook, …: ` +
          `use at most ${MAX_SHARED_ROLE_RULE_NAME} characters`,
      );
    }
    const targets = regions.flatMap(({ region, settings }) =>
      settings.remediationTarget ? [[region, settings.remediationTarget] as const] : [],
    );
    this.guardrails = resolveGuardrails(
      guardProps,
      home.settings.ruleParameters,
      targets.map(([, target]) => target),
      home.settings.deployment,
    );
    const roles = sharedRoleNames(ruleName);

    const accountStack = stack(stackName, plan.home, `${DESCRIPTION} (account-wide: IAM roles, guardrails)`);
    this.account = {
      stack: accountStack,
      resources: new NotebookVpcGuardAccount(accountStack, 'Account', {
        roles,
        automationRole: organization === undefined,
        regions: regions.map(({ region }) => region),
        securityHubRoles: regions.some(({ settings }) => settings.securityHubAction),
        guardrails: this.guardrails,
      }),
    };
    this.regional = regions.map(({ region, props: regionProps }) => {
      const regional = stack(`${stackName}-${region}`, region);
      regional.addStackDependency(
        accountStack,
        'the shared IAM roles exist before a region attaches policies',
      );
      const guard = new NotebookVpcGuard(regional, 'Guard', {
        ...regionProps,
        ...checks,
        sharedAccountResources: { roles },
      });
      return { region, stack: regional, guard };
    });
    if (organization === undefined) return;

    if (targets.length > 0 && targets.length < regions.length) {
      throw new InvalidSettingError(
        'remediationTargets',
        'in organization mode one member template serves every region: give every region a target, or none',
      );
    }
    const organizationStack = stack(
      `${stackName}-organization`,
      plan.home,
      `${DESCRIPTION} (the StackSet that prepares member accounts in every region)`,
    );
    organizationStack.addStackDependency(accountStack, "member roles trust the rule Lambda's role");
    const { stackSet, memberTemplate } = deployMemberStackSet(organizationStack, {
      settings: { ...home.settings, organization },
      ruleFunctionRoleArn: `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${roles.ruleFunction}`,
      // Every region's action runs as the account's one shared state machine role.
      ...(home.settings.securityHubAction &&
        targets.length > 0 && {
          securityHubActionRoleArn: `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${roles.securityHub.startRunbooks}`,
        }),
      regions: plan.regions,
      ...(targets.length > 0 && { regionalTargets: Object.fromEntries(targets) }),
      ...checks,
    });
    this.organization = { stack: organizationStack, stackSet, memberTemplate };
    for (const { stack: regional } of this.regional) {
      if (organization.coverage === 'member-conformance-packs') {
        organizationStack.addStackDependency(regional, "member packs name each region's rule Lambda");
      } else {
        regional.addStackDependency(
          organizationStack,
          'the organization pack evaluates through member roles',
        );
      }
    }
  }
}

const TARGET_SETTINGS: Readonly<Record<string, string>> = {
  remediationSubnetId: 'subnetId',
  remediationSecurityGroupIds: 'securityGroupIds',
  remediationDirectInternetAccess: 'directInternetAccess',
};

/** One region's settings; an error about its target names the region's entry in remediationTargets. */
function resolveRegion({ region, props }: RegionProps): GuardSettings {
  try {
    return resolveSettings(props);
  } catch (error) {
    const field = error instanceof InvalidSettingError ? TARGET_SETTINGS[error.setting] : undefined;
    if (field === undefined || props.remediationSubnetId === undefined) throw error;
    throw new InvalidSettingError(`remediationTargets.${region}.${field}`, (error as Error).message);
  }
}
