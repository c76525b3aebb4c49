/**
 * Where the runbook recreates notebooks, and when it may run on its own. The checks keep the remediation
 * consistent with the rule: a notebook recreated where the rule would still flag it would be destroyed and
 * rebuilt again on every automatic attempt.
 */
import { type RuleParameters, SECURITY_GROUP_ID_PATTERN, SUBNET_ID_PATTERN } from '../../rule/parameters';
import { checkInteger, checkList, checkOneOf, checkPattern, InvalidSettingError } from './checks';
import type { OrganizationSettings } from './organization';
import type { DirectInternetAccess, NotebookVpcGuardProps } from './props';

export interface RemediationTarget {
  readonly subnetId: string;
  readonly securityGroupIds: readonly string[];
  readonly directInternetAccess: DirectInternetAccess;
}

export interface AutomaticRemediation {
  readonly maximumAttempts: number;
  readonly retryAttemptSeconds: number;
  /** Share of non-compliant notebooks remediated at the same time (SSM rate control). */
  readonly concurrentExecutionRatePercentage: number;
  /** Share of failed executions after which SSM stops starting new ones. */
  readonly errorPercentage: number;
}

/** A recreation takes up to hours (backup, delete, create, restore): few attempts in a long window. */
export const AUTOMATIC_REMEDIATION_DEFAULTS: AutomaticRemediation = {
  maximumAttempts: 3,
  retryAttemptSeconds: 21_600,
  concurrentExecutionRatePercentage: 10,
  errorPercentage: 10,
};

const MAX_SECURITY_GROUPS = 5;

type TargetProps = Pick<
  NotebookVpcGuardProps,
  'remediationSubnetId' | 'remediationSecurityGroupIds' | 'remediationDirectInternetAccess'
>;

export function resolveRemediationTarget(
  props: TargetProps,
  rule: RuleParameters,
  organization: OrganizationSettings | undefined,
): RemediationTarget | undefined {
  const { remediationSubnetId: subnetId, remediationSecurityGroupIds: groups } = props;
  if (subnetId === undefined && groups === undefined) {
    if (props.remediationDirectInternetAccess !== undefined) {
      throw new InvalidSettingError(
        'remediationDirectInternetAccess',
        'applies only with remediationSubnetId and remediationSecurityGroupIds',
      );
    }
    return undefined;
  }
  if (subnetId === undefined) {
    throw new InvalidSettingError('remediationSubnetId', 'is required with remediationSecurityGroupIds');
  }
  if (groups === undefined) {
    throw new InvalidSettingError('remediationSecurityGroupIds', 'is required with remediationSubnetId');
  }
  if (organization?.coverage === 'organization-conformance-pack') {
    throw new InvalidSettingError(
      'remediationSubnetId',
      'organization coverage "organization-conformance-pack" deploys detection only (its template is the same ' +
        'for every account, so it cannot name each account\'s automation role); use "member-conformance-packs"',
    );
  }
  checkPattern('remediationSubnetId', subnetId, SUBNET_ID_PATTERN, 'a subnet id (subnet-…)');
  const securityGroupIds = checkList(
    'remediationSecurityGroupIds',
    groups,
    SECURITY_GROUP_ID_PATTERN,
    'a security group id (sg-…)',
  );
  if (securityGroupIds.length === 0 || securityGroupIds.length > MAX_SECURITY_GROUPS) {
    throw new InvalidSettingError(
      'remediationSecurityGroupIds',
      `must list 1 to ${MAX_SECURITY_GROUPS} security groups, got ${securityGroupIds.length}`,
    );
  }
  const directInternetAccess = checkOneOf(
    'remediationDirectInternetAccess',
    props.remediationDirectInternetAccess ?? 'Disabled',
    ['Disabled', 'Enabled'] as const,
  );
  if (rule.subnetIds && !rule.subnetIds.includes(subnetId)) {
    throw new InvalidSettingError(
      'remediationSubnetId',
      `${subnetId} is not one of ruleParameters.subnetIds (${rule.subnetIds.join(', ')}): the rule would ` +
        'still flag every recreated notebook',
    );
  }
  if (rule.requireDirectInternetAccessDisabled && directInternetAccess === 'Enabled') {
    throw new InvalidSettingError(
      'remediationDirectInternetAccess',
      'is Enabled but ruleParameters.requireDirectInternetAccessDisabled is true: the rule would still flag ' +
        'every recreated notebook',
    );
  }
  return { subnetId, securityGroupIds, directInternetAccess };
}

type AutomaticProps = Pick<
  NotebookVpcGuardProps,
  | 'automaticRemediation'
  | 'automaticRemediationMaxAttempts'
  | 'automaticRemediationRetrySeconds'
  | 'automaticRemediationConcurrencyPercent'
  | 'automaticRemediationErrorPercent'
>;

const TUNING = [
  'automaticRemediationMaxAttempts',
  'automaticRemediationRetrySeconds',
  'automaticRemediationConcurrencyPercent',
  'automaticRemediationErrorPercent',
] as const;

export function resolveAutomaticRemediation(
  props: AutomaticProps,
  target: RemediationTarget | undefined,
  backupBucket: 'create' | 'existing' | 'none',
): AutomaticRemediation | undefined {
  if (props.automaticRemediation !== true) {
    const stray = TUNING.find((name) => props[name] !== undefined);
    if (stray) throw new InvalidSettingError(stray, 'applies only with automaticRemediation=true');
    return undefined;
  }
  if (!target) {
    throw new InvalidSettingError(
      'automaticRemediation',
      'needs remediationSubnetId and remediationSecurityGroupIds (where to recreate notebooks)',
    );
  }
  if (backupBucket === 'none') {
    throw new InvalidSettingError(
      'automaticRemediation',
      'needs a backup bucket (backupBucket=create or an existing bucket): an unattended recreation must never ' +
        'run without a verified backup',
    );
  }
  const defaults = AUTOMATIC_REMEDIATION_DEFAULTS;
  return {
    maximumAttempts: checkInteger(
      'automaticRemediationMaxAttempts',
      props.automaticRemediationMaxAttempts ?? defaults.maximumAttempts,
      1,
      25,
    ),
    retryAttemptSeconds: checkInteger(
      'automaticRemediationRetrySeconds',
      props.automaticRemediationRetrySeconds ?? defaults.retryAttemptSeconds,
      1,
      2_678_000,
    ),
    concurrentExecutionRatePercentage: checkInteger(
      'automaticRemediationConcurrencyPercent',
      props.automaticRemediationConcurrencyPercent ?? defaults.concurrentExecutionRatePercentage,
      1,
      100,
    ),
    errorPercentage: checkInteger(
      'automaticRemediationErrorPercent',
      props.automaticRemediationErrorPercent ?? defaults.errorPercentage,
      1,
      100,
    ),
  };
}
