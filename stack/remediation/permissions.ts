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
  'notebook-role': 'PassAllowedNotebookRoles',
  'notebook-kms-key': 'NotebookVolumeKeys',
  'automation-role': 'SimulateOwnPolicies',
  'backup-bucket-kms-key': 'BackupBucketKey',
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
    'Backups are objects under <prefix>/<notebook>/<execution id>/: only the backup prefix is granted.',
  'notebook-role':
    'iam:PassRole only to SageMaker (iam:PassedToService), for the notebook execution roles the deployer allowed by pattern.',
  'notebook-kms-key': 'The KMS keys the deployer named.',
  any:
    'These actions have no resource-level permissions (describe and list calls), or act on network interfaces that ' +
    'SageMaker creates for a VPC notebook and that do not exist beforehand.',
};

/** One statement per resource kind; kinds without resources in this deployment grant nothing. */
export function permissionStatements(
  permissions: readonly Omit<Permission, 'steps'>[],
  scope: ResourceScope,
): iam.PolicyStatement[] {
  const kinds = [...new Set(permissions.map((permission) => permission.resource))];
  return kinds.flatMap((kind) => {
    const resources = resourceArns(kind, scope);
    if (resources.length === 0) return [];
    const ofKind = permissions.filter((permission) => permission.resource === kind);
    const conditions = ofKind.find((permission) => permission.condition)?.condition;
    if (ofKind.some((permission) => JSON.stringify(permission.condition) !== JSON.stringify(conditions))) {
      throw new Error(`Permissions on ${kind} carry different conditions: split the statement`);
    }
    return [
      new iam.PolicyStatement({
        sid: STATEMENT_IDS[kind],
        actions: ofKind.map((permission) => permission.action),
        resources: [...resources],
        ...(conditions && { conditions: { ...conditions } }),
      }),
    ];
  });
}

/** Acknowledges, on `construct`, each wildcard ARN of the statements with its kind's reason. */
export function acknowledgeWildcards(
  construct: IConstruct,
  statements: readonly iam.PolicyStatement[],
): void {
  for (const statement of statements) {
    const kind = (Object.keys(STATEMENT_IDS) as ResourceKind[]).find(
      (key) => STATEMENT_IDS[key] === statement.sid,
    );
    if (!kind) throw new Error(`Statement ${statement.sid} was not made by permissionStatements`);
    for (const resource of statement.resources.map((arn) => nagValue(construct, arn))) {
      if (!resource.includes('*')) continue;
      const reason = WILDCARD_REASONS[kind];
      if (!reason) throw new Error(`${resource} (${kind}) holds a wildcard nobody gave a reason for`);
      Validations.of(construct).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    }
  }
}
