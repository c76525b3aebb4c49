/**
 * IAM statements from the runbook's typed permission lists (remediation/iam.ts): one statement per resource
 * kind, with the kind's ARNs in the account the stack is deployed to.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { type Permission, type ResourceKind, type ResourceScope, resourceArns } from '../remediation/index';

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
  any: 'NoResourceLevelPermissions',
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
