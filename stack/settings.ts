/**
 * Deploy-time settings: the props of the NotebookVpcGuard construct, which are also the CDK context keys of
 * the app (same names), resolved once into GuardSettings with every default filled in and every
 * combination that would deploy something broken or unsafe rejected with an error naming the setting.
 */
import { BACKUP_PREFIX_DEFAULT, PARAMETERS as RUNBOOK_PARAMETERS } from '../remediation/index';
import {
  DEFAULT_PARAMETERS,
  InvalidParameterError,
  type RuleParameters,
  toInputParameters,
  toRuleParameters,
} from '../rule/parameters';
import { type Guardrails, resolveGuardrails } from './guardrail-settings';
import {
  type OrganizationProps,
  type OrganizationSettings,
  resolveOrganization,
} from './organization-settings';
import {
  type AutomaticRemediation,
  type RemediationTarget,
  resolveAutomaticRemediation,
  resolveRemediationTarget,
} from './remediation-settings';
import { checkInteger, checkList, checkOneOf, checkPattern, InvalidSettingError } from './settings-checks';

export type { OrganizationCoverage, OrganizationProps, OrganizationSettings } from './organization-settings';
export type { AutomaticRemediation, RemediationTarget } from './remediation-settings';
export { InvalidSettingError } from './settings-checks';

export const SCHEDULES = [
  'One_Hour',
  'Three_Hours',
  'Six_Hours',
  'Twelve_Hours',
  'TwentyFour_Hours',
] as const;
export type Schedule = (typeof SCHEDULES)[number];
export const DEPLOYMENTS = ['config-rule', 'conformance-pack', 'organization'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];
export type DirectInternetAccess = 'Disabled' | 'Enabled';

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export interface NotebookVpcGuardProps {
  /** Config rule name. Default `sagemaker-notebook-vpc-guard`. */
  readonly ruleName?: string;
  /** The rule's parameters (see the rule's README); validated by the rule's own parser. */
  readonly ruleParameters?: Partial<RuleParameters>;
  /** Periodic sweep frequency. Default `TwentyFour_Hours`. */
  readonly schedule?: Schedule;
  /** Subnet the runbook recreates notebooks in. Without it (and the security groups) no remediation is wired. */
  readonly remediationSubnetId?: string;
  /** 1 to 5 security groups of the remediation subnet's VPC. */
  readonly remediationSecurityGroupIds?: readonly string[];
  /** Default `Disabled`. */
  readonly remediationDirectInternetAccess?: DirectInternetAccess;
  /** Run the runbook automatically on NON_COMPLIANT notebooks. Default false (the console's "Remediate"). */
  readonly automaticRemediation?: boolean;
  readonly automaticRemediationMaxAttempts?: number;
  readonly automaticRemediationRetrySeconds?: number;
  readonly automaticRemediationConcurrencyPercent?: number;
  readonly automaticRemediationErrorPercent?: number;
  /** `create` (default): a new bucket; `none`: no backups; anything else: the name of an existing bucket. */
  readonly backupBucket?: string;
  /** Days a backup in a created bucket is kept. Default 90. */
  readonly backupRetentionDays?: number;
  readonly backupPrefix?: string;
  /** Notebook execution roles the runbook may pass to SageMaker: names (may end in `*`) or role ARNs. */
  readonly allowedNotebookRoles?: readonly string[];
  /** KMS keys of notebook volumes: the runbook may create grants on these only. */
  readonly notebookKmsKeyArns?: readonly string[];
  /** Default `config-rule`. */
  readonly deployment?: Deployment;
  /** Security Hub custom action "Recreate in VPC". Default: on when a remediation target is set. */
  readonly securityHubAction?: boolean;
  /** Default 365. */
  readonly logRetentionDays?: number;
  /** Required when `deployment` is `organization`. */
  readonly organization?: OrganizationProps;
  /** Guardrails: the subnets of `ruleParameters.vpcIds` (no IAM condition key carries the VPC). */
  readonly guardrailApprovedVpcSubnetIds?: readonly string[];
  /** Guardrails only: the security groups notebooks may use (the remediation target's are always approved). */
  readonly guardrailApprovedSecurityGroupIds?: readonly string[];
  /** Single account: deploy the guardrail IAM managed policy. Default false. */
  readonly guardrailManagedPolicy?: boolean;
  /** Roles (names) to attach the guardrail managed policy to; it can also be attached later. */
  readonly guardrailManagedPolicyRoles?: readonly string[];
  /** Organization mode: deploy the guardrail SCP attached to these roots, OUs or accounts. Default: none. */
  readonly guardrailScpTargetIds?: readonly string[];
}

export type BackupBucketChoice =
  | { readonly kind: 'create'; readonly retentionDays: number }
  | { readonly kind: 'existing'; readonly name: string }
  | { readonly kind: 'none' };

export interface GuardSettings {
  readonly ruleName: string;
  readonly ruleParameters: RuleParameters;
  readonly schedule: Schedule;
  readonly remediationTarget?: RemediationTarget;
  readonly automaticRemediation?: AutomaticRemediation;
  readonly backupBucket: BackupBucketChoice;
  readonly backupPrefix: string;
  readonly allowedNotebookRoles: readonly string[];
  readonly notebookKmsKeyArns: readonly string[];
  readonly deployment: Deployment;
  readonly securityHubAction: boolean;
  readonly logRetentionDays: number;
  readonly organization?: OrganizationSettings;
  readonly guardrails: Guardrails;
}

export const DEFAULT_RULE_NAME = 'sagemaker-notebook-vpc-guard';
/** The execution roles the SageMaker console creates are named like this. */
export const DEFAULT_NOTEBOOK_ROLES = ['service-role/AmazonSageMaker-ExecutionRole-*'] as const;
export const DEFAULT_BACKUP_RETENTION_DAYS = 90;

// Also a valid conformance pack name, so every deployment mode can use it.
const RULE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
const ROLE_PATH_AND_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@*-]*[\w+=,.@-][\w+=,.@*-]*$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@*-]*[\w+=,.@-][\w+=,.@*-]*$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

export function resolveSettings(props: NotebookVpcGuardProps = {}): GuardSettings {
  const ruleParameters = resolveRuleParameters(props.ruleParameters);
  const deployment = checkOneOf('deployment', props.deployment ?? 'config-rule', DEPLOYMENTS);
  const organization = resolveOrganization(deployment, props.organization);
  const remediationTarget = resolveRemediationTarget(props, ruleParameters, organization);
  const backupBucket = resolveBackupBucket(props, organization !== undefined);
  const automaticRemediation = resolveAutomaticRemediation(props, remediationTarget, backupBucket.kind);
  return {
    ruleName: checkPattern(
      'ruleName',
      props.ruleName ?? DEFAULT_RULE_NAME,
      RULE_NAME,
      'a name of 1 to 64 letters, digits and hyphens starting with a letter',
    ),
    ruleParameters,
    schedule: checkOneOf('schedule', props.schedule ?? 'TwentyFour_Hours', SCHEDULES),
    ...(remediationTarget && { remediationTarget }),
    ...(automaticRemediation && { automaticRemediation }),
    backupBucket,
    backupPrefix: checkPattern(
      'backupPrefix',
      props.backupPrefix ?? BACKUP_PREFIX_DEFAULT,
      new RegExp(RUNBOOK_PARAMETERS.BackupPrefix.allowedPattern),
      'an S3 key prefix (no leading or trailing slash)',
    ),
    allowedNotebookRoles: resolveNotebookRoles(props.allowedNotebookRoles, organization !== undefined),
    notebookKmsKeyArns: checkList(
      'notebookKmsKeyArns',
      props.notebookKmsKeyArns ?? [],
      KMS_KEY_ARN,
      'a KMS key ARN',
    ),
    deployment,
    securityHubAction: resolveSecurityHubAction(props.securityHubAction, remediationTarget, deployment),
    logRetentionDays: checkOneOf('logRetentionDays', props.logRetentionDays ?? 365, LOG_RETENTION_DAYS),
    ...(organization && { organization }),
    guardrails: resolveGuardrails(props, ruleParameters, remediationTarget, deployment),
  };
}

/** The rule's own parser validates: the stack never re-implements the rule's parameter rules. */
function resolveRuleParameters(parameters: Partial<RuleParameters> | undefined): RuleParameters {
  try {
    return toRuleParameters(toInputParameters({ ...DEFAULT_PARAMETERS, ...parameters }));
  } catch (error) {
    if (error instanceof InvalidParameterError)
      throw new InvalidSettingError('ruleParameters', error.message);
    throw error;
  }
}

function resolveBackupBucket(props: NotebookVpcGuardProps, organizationMode: boolean): BackupBucketChoice {
  const value = props.backupBucket ?? 'create';
  if (value === 'create') {
    const retentionDays = props.backupRetentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS;
    return { kind: 'create', retentionDays: checkInteger('backupRetentionDays', retentionDays, 1, 3650) };
  }
  if (props.backupRetentionDays !== undefined) {
    throw new InvalidSettingError(
      'backupRetentionDays',
      'applies only with backupBucket=create (an existing bucket keeps its own lifecycle rules)',
    );
  }
  if (value === 'none') return { kind: 'none' };
  if (organizationMode) {
    throw new InvalidSettingError(
      'backupBucket',
      'in organization mode use "create" (one bucket in each member account) or "none": a bucket name ' +
        'exists in one account only',
    );
  }
  const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
  return {
    kind: 'existing',
    name: checkPattern('backupBucket', value, bucketName, '"create", "none" or a bucket name'),
  };
}

function resolveNotebookRoles(
  roles: readonly string[] | undefined,
  organizationMode: boolean,
): readonly string[] {
  const resolved = roles ?? DEFAULT_NOTEBOOK_ROLES;
  if (resolved.length === 0) {
    throw new InvalidSettingError(
      'allowedNotebookRoles',
      'must name at least one role: the runbook recreates each notebook with its own execution role',
    );
  }
  for (const role of resolved) {
    if (role.startsWith('arn:')) {
      if (organizationMode) {
        throw new InvalidSettingError(
          'allowedNotebookRoles',
          `${role}: in organization mode give role names (the same in every member account), not ARNs`,
        );
      }
      checkPattern('allowedNotebookRoles', role, ROLE_ARN, 'a role ARN whose name is more than a wildcard');
    } else {
      checkPattern(
        'allowedNotebookRoles',
        role,
        ROLE_PATH_AND_NAME,
        'a role name (optionally path/name, `*` allowed)',
      );
    }
  }
  return [...new Set(resolved)];
}

function resolveSecurityHubAction(
  requested: boolean | undefined,
  target: RemediationTarget | undefined,
  deployment: Deployment,
): boolean {
  if (requested !== true)
    return requested === undefined && target !== undefined && deployment !== 'organization';
  if (deployment === 'organization') {
    throw new InvalidSettingError(
      'securityHubAction',
      'is not available in organization mode: the action would start the runbook in this account, not in ' +
        'the finding\'s member account (use the Config "Remediate" button in the member account)',
    );
  }
  if (!target) {
    throw new InvalidSettingError(
      'securityHubAction',
      'needs remediationSubnetId and remediationSecurityGroupIds: the action recreates notebooks there',
    );
  }
  return true;
}
