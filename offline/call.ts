/**
 * One parsed request on its way through the emulation: which service and operation it names, its input
 * (for the request log), how to run it and how to render a failure in its protocol.
 */
import type { ServiceError } from './service-error.js';
import type { FakeAwsState } from './state.js';
import type { JsonObject, WireProtocol, WireResponse } from './wire.js';

export interface Call {
  /** `sagemaker`, `config`, `ec2`, or the unknown target prefix a request named. */
  readonly service: string;
  readonly operation: string;
  readonly protocol: WireProtocol;
  readonly input: JsonObject;
  /** Throws ServiceError for anything the real service would refuse. */
  run(state: FakeAwsState): WireResponse;
  fail(error: ServiceError): WireResponse;
}
