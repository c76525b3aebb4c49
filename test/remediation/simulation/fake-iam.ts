/**
 * What the automation role may do, as IAM and KMS judge it, for the flow simulation: the notebook roles it
 * may pass to SageMaker and the KMS keys it may use (what the stack's allowedNotebookRoles and
 * notebookKmsKeyArns grant). SimulatePrincipalPolicy answers from these grants, KMS DescribeKey resolves
 * aliases and is refused on other keys, and CreateNotebookInstance is refused as SageMaker would refuse it,
 * so a scenario can also show what the runbook's pre-check prevents.
 */

import type { JsonObject, JsonValue } from './python-bridge';
import { ACCOUNT, AwsError, REGION } from './world-basics';

const SAGEMAKER = 'sagemaker.amazonaws.com';

type Context = ReadonlyMap<string, readonly JsonValue[]>;

/** The guardrail's conditions on CreateNotebookInstance, as the stack puts them on the automation role. */
export interface CreateConditions {
  readonly approvedSubnetIds?: readonly string[];
  readonly directInternetAccessDisabled?: boolean;
}

export class FakeIam {
  readonly passableRoles = new Set<string>();
  /** By key ARN. */
  readonly usableKeys = new Set<string>();
  /** Role ARN → its unique id (what aws:userid starts with for its sessions). */
  readonly roleIds = new Map<string, string>();
  createConditions: CreateConditions = {};
  /** False: the automation role may not call iam:SimulatePrincipalPolicy. */
  maySimulate = true;

  /**
   * The automation role's identity policy as the stack grants it: PassRole only to SageMaker; CreateGrant only
   * for an AWS resource; CreateNotebookInstance only where the guardrail's conditions allow.
   */
  allows(action: string, resource: string, context: Context): boolean {
    if (action === 'iam:PassRole')
      return (
        this.passableRoles.has(resource) && (context.get('iam:PassedToService') ?? []).includes(SAGEMAKER)
      );
    if (action === 'sagemaker:CreateNotebookInstance') return this.allowsCreate(context);
    if (action === 'kms:CreateGrant' && !(context.get('kms:GrantIsForAWSResource') ?? []).includes('true'))
      return false;
    return action.startsWith('kms:') && this.usableKeys.has(resource);
  }

  private allowsCreate(context: Context): boolean {
    const { approvedSubnetIds, directInternetAccessDisabled } = this.createConditions;
    const subnets = (context.get('sagemaker:VpcSubnets') ?? []).map(String);
    if (subnets.length === 0) return false;
    if (approvedSubnetIds && subnets.some((subnet) => !approvedSubnetIds.includes(subnet))) return false;
    const access = context.get('sagemaker:DirectInternetAccess')?.[0];
    return !(directInternetAccessDisabled && access !== 'Disabled');
  }

  handle(operation: string, params: JsonObject): JsonObject {
    if (operation === 'GetRole') {
      const arn = [...this.roleIds.keys()].find((role) => role.endsWith(`/${String(params.RoleName)}`));
      if (!arn)
        throw new AwsError('NoSuchEntity', `The role ${String(params.RoleName)} cannot be found.`, 404);
      return { Role: { RoleName: params.RoleName ?? '', Arn: arn, RoleId: this.roleIds.get(arn) ?? '' } };
    }
    if (operation !== 'SimulatePrincipalPolicy')
      throw new AwsError('NotImplemented', `iam ${operation} is not faked`);
    if (!this.maySimulate) {
      throw new AwsError(
        'AccessDenied',
        `${String(params.PolicySourceArn)} may not iam:SimulatePrincipalPolicy`,
        403,
      );
    }
    const entries = (params.ContextEntries ?? []) as JsonObject[];
    const context: Context = new Map(
      entries.map((entry) => [String(entry.ContextKeyName), entry.ContextKeyValues as JsonValue[]]),
    );
    const results = (params.ActionNames as string[]).flatMap((action) =>
      (params.ResourceArns as string[]).map((resource) => ({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: this.allows(action, resource, context) ? 'allowed' : 'implicitDeny',
      })),
    );
    return { EvaluationResults: results, IsTruncated: false };
  }

  /** What CreateNotebookInstance needs of its caller: its conditions, pass the notebook's role, use its key. */
  authorizeCreate(params: JsonObject, kms: FakeKms): void {
    const request: Context = new Map<string, readonly JsonValue[]>([
      ['sagemaker:VpcSubnets', params.SubnetId ? [params.SubnetId] : []],
      ['sagemaker:DirectInternetAccess', [params.DirectInternetAccess ?? 'Enabled']],
    ]);
    if (!this.allowsCreate(request)) {
      throw new AwsError(
        'AccessDeniedException',
        'not authorized to perform sagemaker:CreateNotebookInstance',
      );
    }
    const role = String(params.RoleArn);
    if (!this.allows('iam:PassRole', role, new Map([['iam:PassedToService', [SAGEMAKER]]]))) {
      throw new AwsError('AccessDeniedException', `not authorized to perform iam:PassRole on ${role}`);
    }
    if (params.KmsKeyId === undefined) return;
    const key = kms.arnOf(String(params.KmsKeyId)) ?? String(params.KmsKeyId);
    if (!this.usableKeys.has(key)) {
      throw new AwsError('AccessDeniedException', `not authorized to perform kms:CreateGrant on ${key}`);
    }
  }
}

export class FakeKms {
  /** `alias/<name>` → key ARN. */
  readonly aliases = new Map<string, string>();

  constructor(private readonly iam: FakeIam) {}

  /** The key ARN of a key id, key ARN, alias name or alias ARN; undefined for an unknown alias. */
  arnOf(keyId: string): string | undefined {
    if (keyId.includes(':key/')) return keyId;
    const alias = /^(?:arn:[^:]+:kms:[^:]*:\d+:)?(alias\/.+)$/.exec(keyId)?.[1];
    return alias ? this.aliases.get(alias) : `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;
  }

  handle(operation: string, params: JsonObject): JsonObject {
    if (operation !== 'DescribeKey') throw new AwsError('NotImplemented', `kms ${operation} is not faked`);
    const arn = this.arnOf(String(params.KeyId));
    if (arn === undefined) throw new AwsError('NotFoundException', `${String(params.KeyId)} is not found`);
    if (!this.iam.usableKeys.has(arn)) {
      throw new AwsError('AccessDeniedException', `not authorized to perform kms:DescribeKey on ${arn}`);
    }
    return { KeyMetadata: { KeyId: arn.slice(arn.lastIndexOf('/') + 1), Arn: arn, Enabled: true } };
  }
}
