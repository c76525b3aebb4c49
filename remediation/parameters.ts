/**
 * The runbook's parameters: names and defaults are a contract with Config remediation, Security Hub
 * actions and people running it by hand (issue 3's table); the extra ones all have safe defaults.
 */
import type { ParameterDefinition } from './types';

export const BACKUP_PREFIX_DEFAULT = 'sagemaker-notebook-vpc-guard';
export const BACKUP_TIMEOUT_MINUTES_DEFAULT = '120';
export const RESTORE_TIMEOUT_MINUTES_DEFAULT = '120';
/** The verification steps retry every ~9 minutes; 80 attempts cover the 720-minute maximum. */
export const MAX_TIMEOUT_MINUTES = 720;
/**
 * Tag markers of a notebook its code owns: a key, or Key=Value (the rule's own list, rule/ownership.ts: a test
 * keeps them equal). The CloudFormation keys, then the Terraform tags teams use most.
 */
export const IAC_OWNERSHIP_TAG_KEYS_DEFAULT = [
  'aws:cloudformation:stack-name',
  'aws:cloudformation:stack-id',
  'aws:cloudformation:logical-id',
  'ManagedBy=terraform',
  'managed-by=terraform',
  'managed_by=terraform',
  'Terraform=true',
];
export const MODES = ['Recreate', 'BackupOnly', 'RestoreOnly'] as const;

const NOTEBOOK_NAME = '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}';
const TIMEOUT_MINUTES_PATTERN = '^([1-9][0-9]?|[1-6][0-9]{2}|7[01][0-9]|720)$';
const EXECUTION_ID = '[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}';

export const PARAMETERS = {
  NotebookInstanceName: {
    type: 'String',
    description:
      'Name or ARN of the notebook instance (matched case-insensitively: ARNs lowercase the name).',
    allowedPattern: `^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:notebook-instance/)?${NOTEBOOK_NAME}$`,
  },
  SubnetId: {
    type: 'String',
    description: 'Target subnet; it must reach S3 (gateway endpoint or NAT) for the restore.',
    allowedPattern: '^subnet-([0-9a-f]{8}|[0-9a-f]{17})$',
  },
  SecurityGroupIds: {
    type: 'StringList',
    description: "1 to 5 security groups of the subnet's VPC.",
    allowedPattern: '^sg-([0-9a-f]{8}|[0-9a-f]{17})$',
    minItems: 1,
    maxItems: 5,
  },
  DirectInternetAccess: {
    type: 'String',
    description: 'Direct internet access of the recreated notebook.',
    default: 'Disabled',
    allowedValues: ['Disabled', 'Enabled'],
  },
  BackupBucketName: {
    type: 'String',
    description:
      'S3 bucket for the data backup and the manifest. Empty: no backup (needs AllowDataLoss=true).',
    default: '',
    allowedPattern: '^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
  },
  BackupPrefix: {
    type: 'String',
    description: 'Key prefix of the backups in the bucket: <prefix>/<notebook>/<execution id>/.',
    default: BACKUP_PREFIX_DEFAULT,
    allowedPattern: '^[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*$',
  },
  AllowDataLoss: {
    type: 'String',
    description: 'true lets the runbook recreate the notebook without a backup of its data.',
    default: 'false',
    allowedValues: ['false', 'true'],
  },
  AllowUncheckedPermissions: {
    type: 'String',
    description:
      'true lets the runbook go on when it cannot check that its role may recreate the notebook (a denial still stops it).',
    default: 'false',
    allowedValues: ['false', 'true'],
  },
  Mode: {
    type: 'String',
    description:
      'Recreate; BackupOnly: back up and change nothing else; RestoreOnly: put the backup of BackupExecutionId onto this notebook.',
    default: 'Recreate',
    allowedValues: MODES,
  },
  BackupExecutionId: {
    type: 'String',
    description: 'RestoreOnly: the execution id of the BackupOnly or Recreate run whose backup to restore.',
    default: '',
    allowedPattern: `^$|^${EXECUTION_ID}$`,
  },
  IacOwnershipTagKeys: {
    type: 'StringList',
    description:
      'Tags of a notebook CloudFormation or Terraform owns: a key, or Key=Value. A deployment adds its own.',
    default: IAC_OWNERSHIP_TAG_KEYS_DEFAULT,
    allowedPattern: '^[A-Za-z0-9 _.:/+@-]{1,128}(=[A-Za-z0-9 _.:/=+@-]{1,256})?$',
    minItems: 1,
    maxItems: 50,
  },
  AllowIacOwnedNotebook: {
    type: 'String',
    description: 'true lets the runbook recreate a notebook its code owns (never a run AWS Config started).',
    default: 'false',
    allowedValues: ['false', 'true'],
  },
  BackupTimeoutMinutes: {
    type: 'String',
    description: `Minutes (1-${MAX_TIMEOUT_MINUTES}) for the backup; past that nothing is deleted.`,
    default: BACKUP_TIMEOUT_MINUTES_DEFAULT,
    allowedPattern: TIMEOUT_MINUTES_PATTERN,
  },
  RestoreTimeoutMinutes: {
    type: 'String',
    description: `Minutes (1-${MAX_TIMEOUT_MINUTES}) for the restore onto the recreated notebook.`,
    default: RESTORE_TIMEOUT_MINUTES_DEFAULT,
    allowedPattern: TIMEOUT_MINUTES_PATTERN,
  },
  AutomationAssumeRole: {
    type: 'String',
    description: 'ARN of the role the automation runs as (required for automatic remediation).',
    allowedPattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$',
  },
} as const satisfies Record<string, ParameterDefinition>;

export type ParameterName = keyof typeof PARAMETERS;
export const PARAMETER_NAMES = Object.keys(PARAMETERS) as readonly ParameterName[];

/** `{{ Name }}`: a reference to a parameter, typed so a misspelled name does not compile. */
export function parameter(name: ParameterName): string {
  return `{{ ${name} }}`;
}
