/**
 * The fake AWS backend: one function from a wire request to a wire response over a FakeAwsState. It
 * routes JSON services by `X-Amz-Target`, EC2 by the form's `Action` and Security Hub by method and path, checks the request is signed for
 * the account's region, lets an optional interceptor inject faults, and logs every call.
 */
import { awsJsonCall } from './aws-json-protocol.js';
import type { Call } from './call.js';
import { ec2QueryCall } from './ec2-query-protocol.js';
import type { Inventory } from './inventory.js';
import { RequestLog } from './request-log.js';
import { restJsonCall } from './rest-json-protocol.js';
import { commonError, ServiceError } from './service-error.js';
import { FakeAwsState } from './state.js';
import type { JsonObject, WireProtocol, WireRequest, WireResponse } from './wire.js';

/** What an interceptor sees of a call before the emulation runs it. */
export interface CallContext {
  readonly sequence: number;
  readonly service: string;
  readonly operation: string;
  readonly protocol: WireProtocol;
  readonly input: JsonObject;
  readonly attempt?: number;
  readonly maxAttempts?: number;
  readonly invocationId?: string;
}

/** Returns an error to answer instead of running the call (fault injection), or undefined to run it. */
export type CallInterceptor = (call: CallContext) => ServiceError | undefined;

export interface FakeAwsBackendOptions {
  readonly interceptor?: CallInterceptor;
  /** The clock for recorded times; defaults to the real one. */
  readonly now?: () => Date;
}

export interface FakeAwsBackend {
  handle(request: WireRequest): WireResponse;
  readonly state: FakeAwsState;
  readonly requests: RequestLog;
}

export function createFakeAwsBackend(
  inventory: Inventory,
  options: FakeAwsBackendOptions = {},
): FakeAwsBackend {
  const state = new FakeAwsState(inventory, options.now ? { now: options.now } : {});
  const requests = new RequestLog();
  let sequence = 0;

  function handle(request: WireRequest): WireResponse {
    sequence += 1;
    const requestId = `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
    const call = routeRequest(request, requestId);
    const context: CallContext = {
      sequence,
      service: call.service,
      operation: call.operation,
      protocol: call.protocol,
      input: call.input,
      ...sdkAttempt(request),
    };
    let injected = false;
    let response: WireResponse;
    try {
      const refusal = authenticationError(request, call.protocol, state.region);
      if (refusal) throw refusal;
      const fault = options.interceptor?.(context);
      if (fault) {
        injected = true;
        throw fault;
      }
      response = call.run(state);
    } catch (error) {
      // Anything but a ServiceError is a bug in the fake or its data: let it surface, not pass as AWS's answer.
      if (!(error instanceof ServiceError)) throw error;
      response = call.fail(error);
      requests.record({
        ...logFields(context),
        statusCode: response.statusCode,
        errorCode: error.code,
        injected,
      });
      return response;
    }
    requests.record({ ...logFields(context), statusCode: response.statusCode, injected });
    return response;
  }

  return { handle, state, requests };
}

/** awsJson names its operation in X-Amz-Target, EC2 in a form's Action, restJson in the method and path. */
function routeRequest(request: WireRequest, requestId: string): Call {
  if (request.headers['x-amz-target'] !== undefined) return awsJsonCall(request, requestId);
  const isForm = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  return isForm ? ec2QueryCall(request, requestId) : restJsonCall(request, requestId);
}

function logFields(context: CallContext) {
  const { protocol: _protocol, maxAttempts: _max, ...fields } = context;
  return fields;
}

/** The SDK numbers its attempts of one call: `amz-sdk-request: attempt=2; max=3`. */
function sdkAttempt(request: WireRequest): Pick<CallContext, 'attempt' | 'maxAttempts' | 'invocationId'> {
  const match = /attempt=(\d+);\s*max=(\d+)/.exec(request.headers['amz-sdk-request'] ?? '');
  const invocationId = request.headers['amz-sdk-invocation-id'];
  return {
    ...(match && { attempt: Number(match[1]), maxAttempts: Number(match[2]) }),
    ...(invocationId !== undefined && { invocationId }),
  };
}

/** Requests must be SigV4-signed, and for this account's region (a client built for another region fails). */
function authenticationError(
  request: WireRequest,
  protocol: WireProtocol,
  region: string,
): ServiceError | undefined {
  const authorization = request.headers.authorization;
  if (authorization === undefined || authorization === '')
    return commonError('missing-authentication', protocol);
  const scopedRegion = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization)?.[1];
  if (scopedRegion !== undefined && scopedRegion !== region) {
    return commonError(
      'invalid-signature',
      protocol,
      `This fake account is in ${region}, not '${scopedRegion}'.`,
    );
  }
  return undefined;
}
