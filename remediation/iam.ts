/**
 * Least-privilege IAM for the runbook, derived from the document itself so it cannot drift: native steps
 * name their operation, script steps are scanned for the client calls in their shipped Python (clients are
 * always named `sagemaker`, `s3`, `ec2`, `iam` or `kms`). A test checks the scan against the calls the flow
 * simulation observes.
 */
import { type AutomationDocument, isApiStep, type Step } from './types';

export type ResourceKind =
  | 'notebook-instance'
  | 'lifecycle-config'
  | 'temporary-lifecycle-config'
  | 'backup-bucket'
  | 'backup-objects'
  | 'notebook-role'
  | 'notebook-kms-key'
  | 'automation-role'
  | 'backup-bucket-kms-key'
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
  readonly service: 'sagemaker' | 's3' | 'ec2' | 'iam' | 'kms';
  readonly operation: string;
}

// The shipped scripts single-quote their strings (scripts.ts); either quote is matched.
const CLIENT_CALL = /\b(sagemaker|s3|ec2|iam|kms)\.(?:get_paginator\(\s*["'](\w+)["']|(\w+)\()/g;

function pascalCase(snakeCase: string): string {
  return snakeCase
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The AWS operations one step calls. */
export function apiCallsOf(step: Step): readonly ApiCall[] {
  if (isApiStep(step)) return [{ service: step.inputs.Service, operation: step.inputs.Api }];
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
};

/** Names of the runbook's temporary lifecycle configurations start with this (see scripts/common.py). */
export const TEMPORARY_CONFIG_PREFIX = 'vpc-guard-';

function resourceOf(service: ApiCall['service'], action: string): ResourceKind {
  if (service === 'ec2' || action === 'ListNotebookInstances') return 'any';
  if (service === 's3') return action === 'ListBucket' ? 'backup-bucket' : 'backup-objects';
  // ResolveNotebook's pre-check: SimulatePrincipalPolicy on the role itself, DescribeKey on the volume key.
  if (service === 'iam') return 'automation-role';
  if (service === 'kms') return 'notebook-kms-key';
  if (!action.endsWith('LifecycleConfig')) return 'notebook-instance';
  // The runbook only creates, changes and deletes its own temporary configurations.
  return action.startsWith('Describe') ? 'lifecycle-config' : 'temporary-lifecycle-config';
}

/** Permissions an operation needs besides its own action. */
function impliedBy(operation: string): readonly Omit<Permission, 'steps'>[] {
  if (operation !== 'CreateNotebookInstance') return [];
  return [
    {
      action: 'iam:PassRole',
      resource: 'notebook-role',
      condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    },
    // Tags are set by CreateNotebookInstance itself, which SageMaker authorizes as AddTags.
    { action: 'sagemaker:AddTags', resource: 'notebook-instance' },
    // A KMS-encrypted volume: SageMaker creates a grant with the caller's permissions.
    { action: 'kms:CreateGrant', resource: 'notebook-kms-key' },
    { action: 'kms:DescribeKey', resource: 'notebook-kms-key' },
  ];
}

export function requiredPermissions(document: AutomationDocument): readonly Permission[] {
  const byAction = new Map<string, Omit<Permission, 'steps'> & { steps: string[] }>();
  const add = (permission: Omit<Permission, 'steps'>, step: string) => {
    const existing = byAction.get(permission.action) ?? { ...permission, steps: [] };
    if (!existing.steps.includes(step)) existing.steps.push(step);
    byAction.set(permission.action, existing);
  };
  for (const step of document.mainSteps) {
    for (const { service, operation } of apiCallsOf(step)) {
      const action = service === 's3' ? (S3_ACTIONS[operation] ?? operation) : operation;
      add({ action: `${service}:${action}`, resource: resourceOf(service, action) }, step.name);
      for (const implied of impliedBy(operation)) add(implied, step.name);
    }
  }
  return [...byAction.values()].sort((a, b) => a.action.localeCompare(b.action));
}

/**
 * What the notebook's own execution role needs: the lifecycle hooks run on the notebook and copy with its
 * credentials (`aws s3 sync`, `aws s3 cp`), and SageMaker uses it to attach the notebook to the subnet.
 */
export const NOTEBOOK_ROLE_PERMISSIONS: readonly Omit<Permission, 'steps'>[] = [
  { action: 's3:ListBucket', resource: 'backup-bucket' },
  { action: 's3:GetObject', resource: 'backup-objects' },
  { action: 's3:PutObject', resource: 'backup-objects' },
  // Only when the bucket's default encryption is SSE-KMS: on that bucket key.
  { action: 'kms:GenerateDataKey', resource: 'backup-bucket-kms-key' },
  { action: 'kms:Decrypt', resource: 'backup-bucket-kms-key' },
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
    case 'notebook-role':
      return scope.notebookRoleArns ?? [];
    case 'notebook-kms-key':
      return scope.kmsKeyArns ?? [];
    case 'automation-role':
      return scope.automationRoleArn === undefined ? [] : [scope.automationRoleArn];
    case 'backup-bucket-kms-key':
      // Only an SSE-KMS bucket has one, and its owner grants it (the stack's own bucket uses SSE-S3).
      return [];
    case 'any':
      return ['*'];
  }
}
