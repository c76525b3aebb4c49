/**
 * Guardrails (issue 6) from the same settings as the rule and the runbook: the generator's input, and
 * whether to deploy the IAM managed policy (single account) or the SCP (organization mode) — both off by
 * default. The generator's own checks run here, so a bad combination fails at synth naming our setting.
 */
import type { RuleParameters } from '../../rule/parameters';
import {
  type GuardrailSettings,
  GuardrailSettingsError,
  GuardrailTooLargeError,
  guardrailPolicies,
} from '../guardrails/index';
import { checkList, InvalidSettingError } from './checks';
import type { Deployment, NotebookVpcGuardProps } from './props';
import type { RemediationTarget } from './remediation';

export interface Guardrails {
  readonly settings: GuardrailSettings;
  /** Single account: deploy the managed policy, attached to these roles (names) if any. */
  readonly managedPolicy?: { readonly roleNames: readonly string[] };
  /** Organization mode: deploy the SCP, attached to these roots, OUs or accounts. */
  readonly scpTargetIds?: readonly string[];
}

/** The generator's setting names → ours (props and context keys). */
const SETTING_NAMES: Readonly<Record<string, string>> = {
  approvedVpcSubnetIds: 'guardrailApprovedVpcSubnetIds',
  approvedSecurityGroupIds: 'guardrailApprovedSecurityGroupIds',
  'remediationTarget.subnetId': 'remediationSubnetId',
  'remediationTarget.securityGroupIds': 'remediationSecurityGroupIds',
  'remediationTarget.directInternetAccess': 'remediationDirectInternetAccess',
};

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** `targets`: the runbook's target in each region that has one (one, or none, in a single region). */
export function resolveGuardrails(
  props: NotebookVpcGuardProps,
  rule: RuleParameters,
  targets: readonly RemediationTarget[],
  deployment: Deployment,
): Guardrails {
  const [first, ...others] = targets;
  const settings: GuardrailSettings = {
    rule,
    ...(first && others.length === 0 && { remediationTarget: first }),
    ...(others.length > 0 && { remediationTargets: targets }),
    ...(props.guardrailApprovedVpcSubnetIds && { approvedVpcSubnetIds: props.guardrailApprovedVpcSubnetIds }),
    ...(props.guardrailApprovedSecurityGroupIds && {
      approvedSecurityGroupIds: props.guardrailApprovedSecurityGroupIds,
    }),
    ...(props.exemptionAdminPrincipals && { exemptionAdminPrincipals: props.exemptionAdminPrincipals }),
  };
  try {
    guardrailPolicies(settings);
  } catch (error) {
    if (error instanceof GuardrailSettingsError) {
      throw new InvalidSettingError(SETTING_NAMES[error.setting] ?? error.setting, error.message);
    }
    if (error instanceof GuardrailTooLargeError) {
      throw new InvalidSettingError('guardrailApprovedSecurityGroupIds', error.message);
    }
    throw error;
  }
  const organizationMode = deployment === 'organization';
  const roles = props.guardrailManagedPolicyRoles;
  if (roles !== undefined && props.guardrailManagedPolicy !== true) {
    throw new InvalidSettingError(
      'guardrailManagedPolicyRoles',
      'applies only with guardrailManagedPolicy=true',
    );
  }
  if (props.guardrailManagedPolicy === true && organizationMode) {
    throw new InvalidSettingError(
      'guardrailManagedPolicy',
      'is for a single account; in organization mode deploy the SCP with guardrailScpTargetIds',
    );
  }
  if (props.guardrailScpTargetIds?.length === 0) {
    throw new InvalidSettingError(
      'guardrailScpTargetIds',
      'is empty: the SCP would apply nowhere (leave it out instead)',
    );
  }
  if (props.guardrailScpTargetIds !== undefined && !organizationMode) {
    throw new InvalidSettingError(
      'guardrailScpTargetIds',
      'applies only with deployment=organization (single accounts use guardrailManagedPolicy)',
    );
  }
  return {
    settings,
    ...(props.guardrailManagedPolicy === true && {
      managedPolicy: {
        roleNames: checkList('guardrailManagedPolicyRoles', roles ?? [], ROLE_NAME, 'a role name (no path)'),
      },
    }),
    ...(props.guardrailScpTargetIds !== undefined && {
      scpTargetIds: checkList(
        'guardrailScpTargetIds',
        props.guardrailScpTargetIds,
        /^(?:r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
        'a root (r-…), OU (ou-…) or account id',
      ),
    }),
  };
}
