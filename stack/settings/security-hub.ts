/**
 * The Security Hub settings. `securityHubFindings`: whether the rule imports its own findings. `auto` imports
 * where Security Hub's AWS Config integration carries nothing — conformance packs and organization mode, whose
 * rules are service-linked (the integration skips those) — and stays off for a stand-alone rule, whose results
 * the integration already brings. `securityHubAction`: the "Recreate in VPC" custom action, on by default when
 * there is a remediation target; in organization mode it starts the runbook in each finding's own account.
 */
import { checkOneOf, InvalidSettingError } from './checks';
import { type Deployment, SECURITY_HUB_FINDINGS, type SecurityHubFindings } from './props';
import type { RemediationTarget } from './remediation';

export function resolveSecurityHubFindings(
  requested: SecurityHubFindings | undefined,
  deployment: Deployment,
): 'import' | 'off' {
  const value = checkOneOf('securityHubFindings', requested ?? 'auto', SECURITY_HUB_FINDINGS);
  if (value !== 'auto') return value;
  return deployment === 'config-rule' ? 'off' : 'import';
}

export function resolveSecurityHubAction(
  requested: boolean | undefined,
  target: RemediationTarget | undefined,
): boolean {
  if (requested !== true) return requested === undefined && target !== undefined;
  if (!target) {
    throw new InvalidSettingError(
      'securityHubAction',
      'needs remediationSubnetId and remediationSecurityGroupIds: the action recreates notebooks there',
    );
  }
  return true;
}
