/**
 * Props (props.ts) → GuardSettings, once, with every default filled in and every combination that would deploy
 * something broken or unsafe rejected with an error naming the setting. The per-part resolvers (organization,
 * remediation, guardrails) run in that order: each may read what the earlier ones resolved.
 */
import { BACKUP_PREFIX_DEFAULT, PARAMETERS as RUNBOOK_PARAMETERS } from '../../remediation/parameters';
import {
  DEFAULT_PARAMETERS,
  InvalidParameterError,
  type RuleParameters,
  toInputParameters,
  toRuleParameters,
} from '../../rule/parameters';
import { resolveBackupKmsKeyArn } from './backup-kms';
import {
  checkInteger,
  checkList,
  checkOneOf,
  checkPattern,
  InvalidSettingError,
  KMS_KEY_ARN,
} from './checks';
import { type Guardrails, resolveGuardrails } from './guardrails';
import { type CloudFormationHookMode, resolveCloudFormationHook } from './hook';
import { type OrganizationSettings, resolveOrganization } from './organization';
import { resolveIacOwnershipTagKeys } from './ownership';
import {
  DEPLOYMENTS,
  type Deployment,
  LOG_RETENTION_DAYS,
  type NotebookVpcGuardProps,
  SCHEDULES,
  type Schedule,
} from './props';
import {
  type AutomaticRemediation,
  type RemediationTarget,
  resolveAutomaticRemediation,
  resolveRemediationTarget,
} from './remediation';
import { resolveSecurityHubAction, resolveSecurityHubFindings } from './security-hub';

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
  /** The backup bucket's SSE-KMS key when named; a created bucket without one gets a key of the stack's. */
  readonly backupKmsKeyArn?: string;
  readonly backupPrefix: string;
  readonly allowedNotebookRoles: readonly string[];
  readonly notebookKmsKeyArns: readonly string[];
  readonly deployment: Deployment;
  readonly securityHubAction: boolean;
  /** Resolved from `auto`: whether the rule imports its own findings. */
  readonly securityHubFindings: 'import' | 'off';
  readonly logRetentionDays: number;
  readonly organization?: OrganizationSettings;
  readonly guardrails: Guardrails;
  readonly cloudFormationHook: CloudFormationHookMode;
}

export const DEFAULT_RULE_NAME = 'sagemaker-notebook-vpc-guard';
/** The execution roles the SageMaker console creates are named like this. */
export const DEFAULT_NOTEBOOK_ROLES = ['service-role/AmazonSageMaker-ExecutionRole-*'] as const;
export const DEFAULT_BACKUP_RETENTION_DAYS = 90;

// Also a valid conformance pack name, so every deployment mode can use it.
const RULE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
const ROLE_PATH_AND_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@*-]*[\w+=,.@-][\w+=,.@*-]*$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@*-]*[\w+=,.@-][\w+=,.@*-]*$/;

export function resolveSettings(props: NotebookVpcGuardProps = {}): GuardSettings {
  const multiRegion = (['regions', 'remediationTargets'] as const).find((name) => props[name] !== undefined);
  if (multiRegion) {
    throw new InvalidSettingError(
      multiRegion,
      'deploys one stack per region: use NotebookVpcGuardStacks (as the cdk app does), not one NotebookVpcGuard',
    );
  }
  const iacOwnershipTagKeys = resolveIacOwnershipTagKeys(props);
  const ruleParameters = resolveRuleParameters({
    ...props.ruleParameters,
    ...(iacOwnershipTagKeys && { iacOwnershipTagKeys }),
  });
  const deployment = checkOneOf('deployment', props.deployment ?? 'config-rule', DEPLOYMENTS);
  const organization = resolveOrganization(deployment, props.organization);
  const remediationTarget = resolveRemediationTarget(props, ruleParameters, organization);
  const backupBucket = resolveBackupBucket(props, organization !== undefined);
  const automaticRemediation = resolveAutomaticRemediation(props, remediationTarget, backupBucket.kind);
  const backupKmsKeyArn = resolveBackupKmsKeyArn(props, backupBucket.kind, organization !== undefined);
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
    ...(backupKmsKeyArn && { backupKmsKeyArn }),
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
    securityHubAction: resolveSecurityHubAction(props.securityHubAction, remediationTarget),
    securityHubFindings: resolveSecurityHubFindings(props.securityHubFindings, deployment),
    logRetentionDays: checkOneOf('logRetentionDays', props.logRetentionDays ?? 365, LOG_RETENTION_DAYS),
    ...(organization && { organization }),
    guardrails: resolveGuardrails(
      props,
      ruleParameters,
      remediationTarget ? [remediationTarget] : [],
      deployment,
    ),
    cloudFormationHook: resolveCloudFormationHook(
      props.cloudFormationHook,
      props.ruleName ?? DEFAULT_RULE_NAME,
      organization !== undefined,
    ),
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
