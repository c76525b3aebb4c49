/**
 * Which of the rule's checks the guardrails enforce at creation, and why the others cannot be. A condition
 * sees only the CreateNotebookInstance request — never EC2's view of the subnet or the groups — so checks that
 * need network facts stay with the rule, which keeps catching what the guardrails let through.
 */
import type { GuardrailSettings } from './settings';
import { type GuardrailSid, SIDS } from './statements';

/** The rule's checks: "has a subnet" (always on), then its parameters that turn checks on. */
export type RuleCheck =
  | 'HasSubnet'
  | 'SubnetIds'
  | 'VpcIds'
  | 'RequireDirectInternetAccessDisabled'
  | 'RequirePrivateSubnet'
  | 'ForbidOpenIngress'
  | 'ExemptionTagKey';

export type CheckCoverage =
  | { readonly check: RuleCheck; readonly enforcedBy: readonly GuardrailSid[] }
  | { readonly check: RuleCheck; readonly notEnforced: string };

const NOT_EXPRESSIBLE = {
  VpcIds:
    'no condition key carries the VPC; list the subnets of the approved VPCs (approvedVpcSubnetIds) to enforce it through sagemaker:VpcSubnets',
  RequirePrivateSubnet:
    "a subnet's routes are EC2 state, not part of the request; approve only private subnets (SubnetIds) to prevent public ones",
  ForbidOpenIngress:
    "a security group's rules are EC2 state, not part of the request; approve only closed groups (approvedSecurityGroupIds) to prevent open ones",
  ExemptionTagKey:
    'not honoured at creation (an exempt notebook is still denied outside the approved network); setting the tag is ' +
    'denied to everyone but exemptionAdminPrincipals and the runbook (DenyExemptionTagExceptByAdmins)',
} as const;

/** The checks the rule runs with these settings, in the rule's order; checks turned off are left out. */
export function guardrailCoverage({
  rule,
  approvedVpcSubnetIds,
}: GuardrailSettings): readonly CheckCoverage[] {
  const coverage: CheckCoverage[] = [{ check: 'HasSubnet', enforcedBy: [SIDS.withoutSubnet] }];
  if (rule.subnetIds) coverage.push({ check: 'SubnetIds', enforcedBy: [SIDS.unapprovedSubnet] });
  if (rule.vpcIds) {
    coverage.push(
      approvedVpcSubnetIds
        ? { check: 'VpcIds', enforcedBy: [SIDS.unapprovedSubnet] }
        : { check: 'VpcIds', notEnforced: NOT_EXPRESSIBLE.VpcIds },
    );
  }
  if (rule.requireDirectInternetAccessDisabled) {
    coverage.push({
      check: 'RequireDirectInternetAccessDisabled',
      enforcedBy: [SIDS.directInternetAccessByDefault, SIDS.directInternetAccessEnabled],
    });
  }
  if (rule.requirePrivateSubnet) {
    coverage.push({ check: 'RequirePrivateSubnet', notEnforced: NOT_EXPRESSIBLE.RequirePrivateSubnet });
  }
  if (rule.forbidOpenIngress) {
    coverage.push({ check: 'ForbidOpenIngress', notEnforced: NOT_EXPRESSIBLE.ForbidOpenIngress });
  }
  if (rule.exemptionTagKey) {
    coverage.push({ check: 'ExemptionTagKey', notEnforced: NOT_EXPRESSIBLE.ExemptionTagKey });
  }
  return coverage;
}
