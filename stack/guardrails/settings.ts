/**
 * The guardrails' input — the rule's own parameters plus what only a guardrail needs — validated and reduced
 * to what the statements enforce. Settings whose guardrail would disagree with the rule, or would block the
 * remediation runbook, are refused with an error naming the setting.
 */
import { type RuleParameters, SECURITY_GROUP_ID_PATTERN, SUBNET_ID_PATTERN } from '../../rule/parameters';
import { describeValue } from '../../rule/text';
import { AUTOMATION_ROLE_PATH } from '../remediation/role-path';
import type { DirectInternetAccess } from '../settings/props';

/** Where the remediation runbook recreates notebooks (its SubnetId, SecurityGroupIds, DirectInternetAccess). */
export interface RemediationTarget {
  readonly subnetId: string;
  readonly securityGroupIds: readonly string[];
  /** The runbook's DirectInternetAccess parameter; the runbook's default is Disabled. */
  readonly directInternetAccess?: DirectInternetAccess;
}

export interface GuardrailSettings {
  /** The rule's own settings: the guardrails are generated from them so the two cannot drift apart. */
  readonly rule: RuleParameters;
  /** The runbook's target, when the runbook is deployed: settings that would deny its requests are refused. */
  readonly remediationTarget?: RemediationTarget;
  /** The runbook's target in each region, when it is deployed into several (checked like remediationTarget). */
  readonly remediationTargets?: readonly RemediationTarget[];
  /**
   * The subnets of the rule's VpcIds. No SageMaker condition key carries the VPC, so VpcIds can only be
   * enforced through its subnets, listed here; without them the guardrails do not enforce VpcIds.
   */
  readonly approvedVpcSubnetIds?: readonly string[];
  /** Guardrail-only (the rule does not check groups): the security groups notebooks may use. */
  readonly approvedSecurityGroupIds?: readonly string[];
  /**
   * The principals (IAM role or user ARNs, `*` allowed) who may set the rule's ExemptionTagKey on a notebook.
   * Everybody else the guardrail applies to is denied that tag. Requires the rule's ExemptionTagKey.
   */
  readonly exemptionAdminPrincipals?: readonly string[];
}

/** What the statements enforce. Lists are sorted and unique, so equal settings give identical policies. */
export interface GuardrailRequirements {
  /** undefined: any subnet is approved; only "has a subnet" is enforced. */
  readonly approvedSubnetIds?: readonly string[];
  readonly directInternetAccessDisabled: boolean;
  /** undefined: any security group. Always includes the remediation target's groups. */
  readonly approvedSecurityGroupIds?: readonly string[];
  /** Present when the rule has an ExemptionTagKey: only these principals may set that tag. */
  readonly exemption?: ExemptionRequirement;
}

export interface ExemptionRequirement {
  readonly tagKey: string;
  /** The exemption admins and the runbook's automation role (it carries a notebook's tags over), sorted. */
  readonly allowedPrincipals: readonly string[];
}

/** The runbook accepts 1 to 5 security groups (CreateNotebookInstance's own limit). */
const MAX_SECURITY_GROUPS = 5;

/** The runbook's automation role, in any account of any partition (see AUTOMATION_ROLE_PATH). */
export const RUNBOOK_ROLE_PRINCIPALS = `arn:*:iam::*:role${AUTOMATION_ROLE_PATH}*`;
/** An IAM role or user ARN (path included), or an account's root; `*` and `?` allowed, but not only wildcards. */
const PRINCIPAL_ARN_PATTERN =
  /^arn:(?:aws[a-z-]*|\*):iam::(?:\d{12}|\*):(?:root|(?:role|user)\/[\w+=,.@/*?-]*[\w+=,.@-][\w+=,.@/*?-]*)$/;

export class GuardrailSettingsError extends Error {
  override readonly name = 'GuardrailSettingsError';
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super(`Invalid guardrail setting ${setting}: ${detail}`);
  }
}

export function guardrailRequirements(settings: GuardrailSettings): GuardrailRequirements {
  const approvedSubnetIds = approvedSubnets(settings);
  const approvedSecurityGroupIds = approvedSecurityGroups(settings);
  const directInternetAccessDisabled = settings.rule.requireDirectInternetAccessDisabled;
  for (const target of remediationTargets(settings)) {
    checkTargetAllowed(target, approvedSubnetIds, directInternetAccessDisabled);
  }
  const exemption = exemptionRequirement(settings);
  return {
    ...(approvedSubnetIds && { approvedSubnetIds }),
    directInternetAccessDisabled,
    ...(approvedSecurityGroupIds && { approvedSecurityGroupIds }),
    ...(exemption && { exemption }),
  };
}

/**
 * Who may exempt a notebook: the admins named, and the runbook, which recreates a notebook with all its tags
 * (the guardrail must never deny its own recreation).
 */
function exemptionRequirement({
  rule,
  exemptionAdminPrincipals,
}: GuardrailSettings): ExemptionRequirement | undefined {
  if (exemptionAdminPrincipals !== undefined) {
    if (rule.exemptionTagKey === undefined) {
      throw new GuardrailSettingsError(
        'exemptionAdminPrincipals',
        'names who may set the exemption tag, but the rule has no ExemptionTagKey',
      );
    }
    checkIds('exemptionAdminPrincipals', exemptionAdminPrincipals, PRINCIPAL_ARN_PATTERN);
  }
  if (rule.exemptionTagKey === undefined) return undefined;
  return {
    tagKey: rule.exemptionTagKey,
    allowedPrincipals: sortedUnique([...(exemptionAdminPrincipals ?? []), RUNBOOK_ROLE_PRINCIPALS]),
  };
}

/** SubnetIds, narrowed to the listed subnets of VpcIds when given: the subnets that pass both rule checks. */
function approvedSubnets({ rule, approvedVpcSubnetIds }: GuardrailSettings): readonly string[] | undefined {
  if (approvedVpcSubnetIds !== undefined) {
    if (rule.vpcIds === undefined) {
      throw new GuardrailSettingsError(
        'approvedVpcSubnetIds',
        "lists the subnets of the rule's VpcIds, but the rule has no VpcIds: the guardrail would be stricter than the rule",
      );
    }
    checkIds('approvedVpcSubnetIds', approvedVpcSubnetIds, SUBNET_ID_PATTERN);
  }
  const lists = [rule.subnetIds, approvedVpcSubnetIds].filter((list) => list !== undefined);
  if (lists.length === 0) return undefined;
  const approved = sortedUnique(lists.reduce((kept, list) => kept.filter((id) => list.includes(id))));
  if (approved.length === 0) {
    throw new GuardrailSettingsError(
      'approvedVpcSubnetIds',
      "no subnet is in both the rule's SubnetIds and approvedVpcSubnetIds: every notebook would be denied",
    );
  }
  return approved;
}

function approvedSecurityGroups(settings: GuardrailSettings): readonly string[] | undefined {
  const { approvedSecurityGroupIds } = settings;
  if (approvedSecurityGroupIds === undefined) return undefined;
  checkIds('approvedSecurityGroupIds', approvedSecurityGroupIds, SECURITY_GROUP_ID_PATTERN);
  // The runbook's groups are approved by construction: the guardrail must never deny its own recreation.
  const runbookGroups = remediationTargets(settings).flatMap((target) => target.securityGroupIds);
  return sortedUnique([...approvedSecurityGroupIds, ...runbookGroups]);
}

function remediationTargets({
  remediationTarget,
  remediationTargets,
}: GuardrailSettings): RemediationTarget[] {
  return [...(remediationTarget ? [remediationTarget] : []), ...(remediationTargets ?? [])];
}

function checkTargetAllowed(
  target: RemediationTarget,
  approvedSubnetIds: readonly string[] | undefined,
  directInternetAccessDisabled: boolean,
): void {
  checkIds('remediationTarget.subnetId', [target.subnetId], SUBNET_ID_PATTERN);
  checkIds('remediationTarget.securityGroupIds', target.securityGroupIds, SECURITY_GROUP_ID_PATTERN);
  if (target.securityGroupIds.length > MAX_SECURITY_GROUPS) {
    throw new GuardrailSettingsError(
      'remediationTarget.securityGroupIds',
      `holds ${target.securityGroupIds.length} groups; a notebook takes at most ${MAX_SECURITY_GROUPS}`,
    );
  }
  // Refused rather than approved silently: the runbook would recreate notebooks the rule reports again.
  if (approvedSubnetIds && !approvedSubnetIds.includes(target.subnetId)) {
    throw new GuardrailSettingsError(
      'remediationTarget.subnetId',
      `${target.subnetId} is not an approved subnet (${approvedSubnetIds.join(', ')}): the runbook's notebooks would be non-compliant and denied`,
    );
  }
  if (directInternetAccessDisabled && target.directInternetAccess === 'Enabled') {
    throw new GuardrailSettingsError(
      'remediationTarget.directInternetAccess',
      'is Enabled but the rule requires it Disabled: the runbook would be denied',
    );
  }
}

function checkIds(setting: string, ids: readonly string[], pattern: RegExp): void {
  if (ids.length === 0) throw new GuardrailSettingsError(setting, 'is empty (omit it instead)');
  const malformed = ids.filter((id) => !pattern.test(id));
  if (malformed.length > 0) {
    throw new GuardrailSettingsError(
      setting,
      `malformed id(s) ${malformed.map(describeValue).join(', ')} (expected ${pattern.source})`,
    );
  }
}

function sortedUnique(ids: readonly string[]): readonly string[] {
  return [...new Set(ids)].sort();
}
