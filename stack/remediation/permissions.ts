/**
 * IAM statements from the runbook's typed permission lists (remediation/iam.ts): one statement per resource
 * kind, with the kind's ARNs in the account the stack is deployed to, and the cdk-nag acknowledgement of
 * each wildcard ARN derived from the very ARN granted, with the kind's reason.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import {
  type Permission,
  type PolicyCondition,
  type ResourceKind,
  type ResourceScope,
  resourceArns,
  TEMPORARY_CONFIG_PREFIX,
} from '../../remediation/iam';
import { nagValue } from '../nag';

/** Role names (with path) become ARNs in the account the stack is deployed to. */
export function notebookRoleArns(roles: readonly string[]): readonly string[] {
  return roles.map((role) =>
    role.startsWith('arn:') ? role : `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${role}`,
  );
}

const STATEMENT_IDS: Readonly<Record<ResourceKind, string>> = {
  'notebook-instance': 'NotebookInstances',
  'lifecycle-config': 'ReadLifecycleConfigs',
  'temporary-lifecycle-config': 'OwnTemporaryLifecycleConfigs',
  'backup-bucket': 'BackupBucket',
  'backup-objects': 'BackupObjects',
  'own-backup-area': 'OwnBackupArea',
  'notebook-role': 'AllowedNotebookRoles',
  'notebook-kms-key': 'NotebookVolumeKeys',
  'automation-role': 'ItsOwnRole',
  'backup-bucket-kms-key': 'BackupBucketKey',
  'check-document': 'StartTheCheckDocument',
  'automation-execution': 'AutomationExecutions',
  any: 'NoResourceLevelPermissions',
};

/** Why a kind's ARNs hold a wildcard (cdk-nag IAM5); kinds whose ARNs never do have none. */
const WILDCARD_REASONS: Readonly<Partial<Record<ResourceKind, string>>> = {
  'notebook-instance':
    'The runbook acts on whichever notebook Config or Security Hub names: notebook instances of this account and region.',
  'lifecycle-config':
    "Describe only: the runbook reads the notebook's own lifecycle configuration, whatever its name, to put it back.",
  'temporary-lifecycle-config': `Create, update and delete only the runbook's own temporary configurations, named ${TEMPORARY_CONFIG_PREFIX}<...>.`,
  'backup-bucket': 'The backup bucket itself.',
  'backup-objects':
    'Backups are objects under <prefix>/data/<aws:userid>/... and <prefix>/runs/...: only the backup prefix is granted.',
  'own-backup-area':
    "A notebook role session's own area, <prefix>/data/<aws:userid>/: each session reads and writes its own objects only.",
  'notebook-role':
    'iam:PassRole only to SageMaker (iam:PassedToService), and iam:GetRole, for the notebook execution roles the deployer allowed by pattern.',
  'notebook-kms-key': 'The KMS keys the deployer named.',
  'check-document': "The check document's versions: the runbook starts its latest.",
  'automation-execution':
    "Read the runbook's own executions and its check's (to trust an earlier run by its record), and start the check as one.",
  any:
    'These actions have no resource-level permissions (describe and list calls), or act on network interfaces that ' +
    'SageMaker creates for a VPC notebook and that do not exist beforehand.',
};

/**
 * One statement per resource kind and condition (a kind whose actions carry different conditions gets one
 * statement for each, the conditioned ones named after their condition key); kinds without resources in this
 * deployment grant nothing.
 */
export function permissionStatements(
  permissions: readonly Omit<Permission, 'steps'>[],
  scope: ResourceScope,
): iam.PolicyStatement[] {
  const groups = new Map<string, Omit<Permission, 'steps'>[]>();
  for (const permission of permissions) {
    const key = `${permission.resource} ${JSON.stringify(permission.condition ?? {})}`;
    groups.set(key, [...(groups.get(key) ?? []), permission]);
  }
  return [...groups.values()].flatMap((group) => {
    const [{ resource: kind, condition } = { resource: 'any' as const }] = group;
    const resources = resourceArns(kind, scope);
    if (resources.length === 0) return [];
    const conditioned = [...groups.values()].some((other) => other !== group && other[0]?.resource === kind);
    return [
      new iam.PolicyStatement({
        sid: `${STATEMENT_IDS[kind]}${conditioned && condition ? conditionName(condition) : ''}`,
        actions: [...new Set(group.map((permission) => permission.action))],
        resources: [...resources],
        ...(condition && { conditions: { ...condition } }),
      }),
    ];
  });
}

/** "kms:GrantIsForAWSResource" → "GrantIsForAWSResource": the Sid suffix of a statement with that condition. */
function conditionName(condition: PolicyCondition): string {
  const key = Object.values(condition).flatMap((keys) => Object.keys(keys))[0] ?? '';
  return key.slice(key.indexOf(':') + 1).replace(/[^A-Za-z0-9]/g, '');
}

/** Acknowledges, on `construct`, each wildcard ARN of the statements with its kind's reason. */
export function acknowledgeWildcards(
  construct: IConstruct,
  statements: readonly iam.PolicyStatement[],
): void {
  for (const statement of statements) {
    // The longest Sid a statement's starts with (BackupBucketKey is not BackupBucket).
    const kind = (Object.keys(STATEMENT_IDS) as ResourceKind[])
      .filter((key) => statement.sid?.startsWith(STATEMENT_IDS[key]))
      .sort((a, b) => STATEMENT_IDS[b].length - STATEMENT_IDS[a].length)[0];
    if (!kind) throw new Error(`Statement ${statement.sid} was not made by permissionStatements`);
    for (const resource of statement.resources.map((arn) => nagValue(construct, arn))) {
      if (!resource.includes('*')) continue;
      const reason = WILDCARD_REASONS[kind];
      if (!reason) throw new Error(`${resource} (${kind}) holds a wildcard nobody gave a reason for`);
      Validations.of(construct).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    }
  }
}
