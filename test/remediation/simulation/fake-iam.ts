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

export class FakeIam {
  readonly passableRoles = new Set<string>();
  /** By key ARN. */
  readonly usableKeys = new Set<string>();
  /** False: the automation role may not call iam:SimulatePrincipalPolicy. */
  maySimulate = true;

  /** The automation role's identity policy: PassRole only to SageMaker, as the stack grants it. */
  allows(action: string, resource: string, context: Context): boolean {
    if (action === 'iam:PassRole')
      return (
        this.passableRoles.has(resource) && (context.get('iam:PassedToService') ?? []).includes(SAGEMAKER)
      );
    return action.startsWith('kms:') && this.usableKeys.has(resource);
  }

  handle(operation: string, params: JsonObject): JsonObject {
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

  /** What CreateNotebookInstance needs of its caller: pass the notebook's role, use its volume key. */
  authorizeCreate(params: JsonObject, kms: FakeKms): void {
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
