/**
 * Least-privilege IAM for the runbook, derived from its documents (the runbook and the check document it runs,
 * both under the same role) so it cannot drift: native steps name their operation, script steps are scanned for
 * the client calls in their shipped Python (clients are always named `sagemaker`, `s3`, `ec2`, `iam`, `kms` or
 * `ssm`). A test checks the scan against the calls the flow simulation observes.
 */
import { OWN_AREA } from './layout';
import { type AutomationDocument, isApiStep, type Step } from './types';

export type ResourceKind =
  | 'notebook-instance'
  | 'lifecycle-config'
  | 'temporary-lifecycle-config'
  | 'backup-bucket'
  | 'backup-objects'
  | 'own-backup-area'
  | 'notebook-role'
  | 'notebook-kms-key'
  | 'automation-role'
  | 'backup-bucket-kms-key'
  | 'check-document'
  | 'automation-execution'
  | 'any';

export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface Permission {
  readonly action: string;
  readonly resource: ResourceKind;
  readonly condition?: PolicyCondition;
  /** The steps that need it (for reviewers and the stack's comments). */
  readonly steps: readonly string[];
}

export interface ApiCall {
  readonly service: 'sagemaker' | 's3' | 'ec2' | 'iam' | 'kms' | 'ssm';
  readonly operation: string;
}

// The shipped scripts single-quote their strings (scripts.ts); either quote is matched.
const CLIENT_CALL = /\b(sagemaker|s3|ec2|iam|kms|ssm)\.(?:get_paginator\(\s*["'](\w+)["']|(\w+)\()/g;

function pascalCase(snakeCase: string): string {
  return snakeCase
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The AWS operations one step calls. */
export function apiCallsOf(step: Step): readonly ApiCall[] {
  if (isApiStep(step)) return [{ service: step.inputs.Service, operation: step.inputs.Api }];
  if (step.action === 'aws:executeAutomation')
    return [{ service: 'ssm', operation: 'StartAutomationExecution' }];
  if (step.action !== 'aws:executeScript') return [];
  const calls = new Map<string, ApiCall>();
  for (const match of step.inputs.Script.matchAll(CLIENT_CALL)) {
    const [, service, paginated, called] = match;
    const method = paginated ?? called;
    if (method === undefined || method === 'get_paginator') continue;
    const call = { service: service as ApiCall['service'], operation: pascalCase(method) };
    calls.set(`${call.service}:${call.operation}`, call);
  }
  return [...calls.values()];
}

/** S3 operations whose IAM action has another name. */
const S3_ACTIONS: Readonly<Record<string, string>> = {
  ListObjectsV2: 'ListBucket',
  HeadBucket: 'ListBucket',
  HeadObject: 'GetObject',
};

/** The backup bucket's SSE-KMS key, used through S3 only. */
const VIA_S3: PolicyCondition = { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } };

/** Names of the runbook's temporary lifecycle configurations start with this (see scripts/common.py). */
export const TEMPORARY_CONFIG_PREFIX = 'vpc-guard-';

function resourceOf(service: ApiCall['service'], action: string): ResourceKind {
  if (service === 'ec2' || action === 'ListNotebookInstances') return 'any';
  if (service === 's3') return action === 'ListBucket' ? 'backup-bucket' : 'backup-objects';
  // The check reads the notebook role's unique id; it simulates the automation role's own policies.
  if (service === 'iam') return action === 'GetRole' ? 'notebook-role' : 'automation-role';
  if (service === 'kms') return 'notebook-kms-key';
  if (service === 'ssm')
    return action === 'StartAutomationExecution' ? 'check-document' : 'automation-execution';
  if (!action.endsWith('LifecycleConfig')) return 'notebook-instance';
  // The runbook only creates, changes and deletes its own temporary configurations.
  return action.startsWith('Describe') ? 'lifecycle-config' : 'temporary-lifecycle-config';
}

/** Permissions an operation needs besides its own action. */
function impliedBy(action: string): readonly Omit<Permission, 'steps'>[] {
  switch (action) {
    case 'sagemaker:CreateNotebookInstance':
      return [
        {
          action: 'iam:PassRole',
          resource: 'notebook-role',
          condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        },
        // Tags are set by CreateNotebookInstance itself, which SageMaker authorizes as AddTags.
        { action: 'sagemaker:AddTags', resource: 'notebook-instance' },
        // A KMS-encrypted volume: SageMaker creates a grant for itself with the caller's permissions.
        {
          action: 'kms:CreateGrant',
          resource: 'notebook-kms-key',
          condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        },
        { action: 'kms:DescribeKey', resource: 'notebook-kms-key' },
      ];
    case 'ssm:StartAutomationExecution':
      // It starts the check as an execution, under the same role (unconfirmed whether SSM asks it to pass
      // the role to itself: granted, scoped to SSM).
      return [
        { action, resource: 'automation-execution' },
        {
          action: 'iam:PassRole',
          resource: 'automation-role',
          condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
        },
      ];
    // An SSE-KMS backup bucket: S3 decrypts and encrypts records with the bucket's key for the caller.
    case 's3:GetObject':
      return [{ action: 'kms:Decrypt', resource: 'backup-bucket-kms-key', condition: VIA_S3 }];
    case 's3:PutObject':
      return [{ action: 'kms:GenerateDataKey', resource: 'backup-bucket-kms-key', condition: VIA_S3 }];
    default:
      return [];
  }
}

/** What the steps of these documents need: one entry per action and resource kind. */
export function requiredPermissions(documents: readonly AutomationDocument[]): readonly Permission[] {
  const byGrant = new Map<string, Omit<Permission, 'steps'> & { steps: string[] }>();
  const add = (permission: Omit<Permission, 'steps'>, step: string) => {
    const key = `${permission.action} ${permission.resource}`;
    const existing = byGrant.get(key) ?? { ...permission, steps: [] };
    if (!existing.steps.includes(step)) existing.steps.push(step);
    byGrant.set(key, existing);
  };
  for (const step of documents.flatMap((document) => document.mainSteps)) {
    for (const { service, operation } of apiCallsOf(step)) {
      const action = `${service}:${service === 's3' ? (S3_ACTIONS[operation] ?? operation) : operation}`;
      add({ action, resource: resourceOf(service, action.split(':')[1] as string) }, step.name);
      for (const implied of impliedBy(action)) add(implied, step.name);
    }
  }
  return [...byGrant.values()].sort(
    (a, b) => a.action.localeCompare(b.action) || a.resource.localeCompare(b.resource),
  );
}

/**
 * What the notebook's own execution role needs: the lifecycle hooks run on the notebook and copy with its
 * credentials (`aws s3 cp`), to and from its own area of the bucket only (`<prefix>/data/${aws:userid}/`), and
 * SageMaker uses it to attach the notebook to the subnet.
 */
export const NOTEBOOK_ROLE_PERMISSIONS: readonly Omit<Permission, 'steps'>[] = [
  { action: 's3:GetObject', resource: 'own-backup-area' },
  { action: 's3:PutObject', resource: 'own-backup-area' },
  { action: 's3:AbortMultipartUpload', resource: 'own-backup-area' },
  // With an SSE-KMS bucket: its key, through S3 only.
  { action: 'kms:GenerateDataKey', resource: 'backup-bucket-kms-key', condition: VIA_S3 },
  { action: 'kms:Decrypt', resource: 'backup-bucket-kms-key', condition: VIA_S3 },
  ...[
    'CreateNetworkInterface',
    'CreateNetworkInterfacePermission',
    'DeleteNetworkInterface',
    'DeleteNetworkInterfacePermission',
    'DescribeNetworkInterfaces',
    'DescribeVpcs',
    'DescribeDhcpOptions',
    'DescribeSubnets',
    'DescribeSecurityGroups',
  ].map((action) => ({ action: `ec2:${action}`, resource: 'any' as const })),
];

export interface ResourceScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly bucket?: string;
  readonly prefix: string;
  readonly notebookRoleArns?: readonly string[];
  /** Notebook volume keys. */
  readonly kmsKeyArns?: readonly string[];
  /** The role the automation runs as (it simulates its own policies). */
  readonly automationRoleArn?: string;
  /** The check document the runbook runs (its name). */
  readonly checkDocumentName?: string;
  /** The backup bucket's SSE-KMS key, when it has one. */
  readonly backupKmsKeyArn?: string;
}

/** The ARNs a resource kind stands for in one account and region (empty: nothing to grant). */
export function resourceArns(kind: ResourceKind, scope: ResourceScope): readonly string[] {
  const sagemaker = `arn:${scope.partition}:sagemaker:${scope.region}:${scope.account}`;
  switch (kind) {
    case 'notebook-instance':
      return [`${sagemaker}:notebook-instance/*`];
    case 'lifecycle-config':
      return [`${sagemaker}:notebook-instance-lifecycle-config/*`];
    case 'temporary-lifecycle-config':
      return [`${sagemaker}:notebook-instance-lifecycle-config/${TEMPORARY_CONFIG_PREFIX}*`];
    case 'backup-bucket':
      return scope.bucket ? [`arn:${scope.partition}:s3:::${scope.bucket}`] : [];
    case 'backup-objects':
      return scope.bucket ? [`arn:${scope.partition}:s3:::${scope.bucket}/${scope.prefix}/*`] : [];
    case 'own-backup-area':
      return scope.bucket
        ? [`arn:${scope.partition}:s3:::${scope.bucket}/${scope.prefix}/${OWN_AREA}/*`]
        : [];
    case 'notebook-role':
      return scope.notebookRoleArns ?? [];
    case 'notebook-kms-key':
      return scope.kmsKeyArns ?? [];
    case 'automation-role':
      return scope.automationRoleArn === undefined ? [] : [scope.automationRoleArn];
    case 'backup-bucket-kms-key':
      return scope.backupKmsKeyArn === undefined ? [] : [scope.backupKmsKeyArn];
    case 'check-document': {
      const ssm = `arn:${scope.partition}:ssm:${scope.region}:${scope.account}`;
      const name = scope.checkDocumentName;
      return name === undefined ? [] : [`${ssm}:document/${name}`, `${ssm}:automation-definition/${name}:*`];
    }
    case 'automation-execution':
      return [`arn:${scope.partition}:ssm:${scope.region}:${scope.account}:automation-execution/*`];
    case 'any':
      return ['*'];
  }
}
