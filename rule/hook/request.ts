/**
 * The CloudFormation Lambda hook's request and response, as the CloudFormation Hooks user guide documents them
 * ("Create Lambda functions to evaluate resources for Lambda Hooks"). @types/aws-lambda has neither.
 *
 * The guide is not consistent about the token: the resource input syntax has no `clientRequestToken`, the
 * stack and change-set syntaxes spell it `clientRequesttoken`, their examples `clientRequestToken`, and the
 * response must echo it. Both spellings are read; without either the response goes without it rather than
 * inventing one (whether resource requests carry it is unconfirmed offline).
 */
import { describeValue } from '../text';

export const INVOCATION_POINTS = [
  'CREATE_PRE_PROVISION',
  'UPDATE_PRE_PROVISION',
  'DELETE_PRE_PROVISION',
] as const;
export type InvocationPoint = (typeof INVOCATION_POINTS)[number];

/** A resource operation (CloudFormation or Cloud Control API); stack and change-set requests carry a payload URL. */
export interface HookRequest {
  readonly clientRequestToken?: string;
  readonly clientRequesttoken?: string;
  readonly awsAccountId: string;
  /** Empty for Cloud Control API. */
  readonly stackId?: string | null;
  readonly changeSetId?: string | null;
  readonly hookTypeName: string;
  readonly hookTypeVersion?: string;
  readonly hookModel?: { readonly LambdaFunction?: string };
  readonly actionInvocationPoint: InvocationPoint;
  readonly requestData: {
    /** The resource type, e.g. AWS::SageMaker::NotebookInstance (STACK / CHANGE_SET for those targets). */
    readonly targetName: string;
    /** The resource type too — or `RESOURCE` for Cloud Control API: targetName is the one to read. */
    readonly targetType: string;
    readonly targetLogicalId: string;
    readonly targetModel?: {
      readonly resourceProperties?: Readonly<Record<string, unknown>> | null;
      readonly previousResourceProperties?: Readonly<Record<string, unknown>> | null;
    } | null;
    readonly payload?: string;
  };
  readonly requestContext?: { readonly invocation?: number; readonly callbackContext?: unknown };
}

export type HookStatus = 'SUCCESS' | 'FAILED' | 'IN_PROGRESS';
export type HookErrorCode = 'NonCompliant' | 'InternalFailure';

export interface HookResponse {
  readonly hookStatus: HookStatus;
  /** Required when FAILED. */
  readonly errorCode?: HookErrorCode;
  readonly message: string;
  readonly clientRequestToken?: string;
}

/** The guide: CloudFormation cuts `message` to 4,096 characters, Cloud Control API to 1,024. */
export const MESSAGE_LIMIT = { cloudFormation: 4096, cloudControl: 1024 } as const;

export class MalformedHookRequestError extends Error {
  override readonly name = 'MalformedHookRequestError';
}

/** Checks the fields the hook relies on; anything else the service adds is ignored. */
export function parseHookRequest(raw: unknown): HookRequest {
  const request = object(raw, 'the request');
  const requestData = object(request.requestData, 'requestData');
  string(request.awsAccountId, 'awsAccountId', /^\d{12}$/);
  const point = string(request.actionInvocationPoint, 'actionInvocationPoint');
  if (!(INVOCATION_POINTS as readonly string[]).includes(point)) {
    throw new MalformedHookRequestError(
      `actionInvocationPoint must be one of ${INVOCATION_POINTS.join(', ')}, got ${describeValue(point)}`,
    );
  }
  string(requestData.targetName, 'requestData.targetName');
  string(requestData.targetType, 'requestData.targetType');
  string(requestData.targetLogicalId, 'requestData.targetLogicalId');
  for (const key of ['clientRequestToken', 'clientRequesttoken', 'stackId', 'hookTypeName'] as const) {
    const value = request[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new MalformedHookRequestError(`${key} must be a string, got ${describeValue(value)}`);
    }
  }
  const model = requestData.targetModel;
  if (model !== undefined && model !== null) {
    const fields = object(model, 'requestData.targetModel');
    for (const key of ['resourceProperties', 'previousResourceProperties'] as const) {
      if (fields[key] !== undefined && fields[key] !== null)
        object(fields[key], `requestData.targetModel.${key}`);
    }
  }
  return raw as HookRequest;
}

/** The token to echo, under either spelling the guide uses. */
export function requestToken(request: HookRequest): string | undefined {
  return request.clientRequestToken ?? request.clientRequesttoken ?? undefined;
}

/** Cloud Control API requests have no stack. */
export function messageLimit(request: HookRequest): number {
  return request.stackId ? MESSAGE_LIMIT.cloudFormation : MESSAGE_LIMIT.cloudControl;
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MalformedHookRequestError(`${what} must be an object, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}

function string(value: unknown, what: string, pattern?: RegExp): string {
  if (typeof value !== 'string' || value === '' || (pattern && !pattern.test(value))) {
    throw new MalformedHookRequestError(
      `${what} must be a ${pattern ? `string matching ${pattern.source}` : 'non-empty string'}, got ${describeValue(value)}`,
    );
  }
  return value;
}
