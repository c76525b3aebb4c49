/** The shape of one emulated operation: a parsed request in, a response document out. */
import type { FakeAwsState } from './state.js';
import type { JsonObject } from './wire.js';

/** An awsJson operation: the request body object → the response body object. */
export type JsonOperation = (input: JsonObject, state: FakeAwsState) => JsonObject;

/** An EC2 query operation: the form parameters → the XML elements inside `<{Action}Response>`. */
export type Ec2Operation = (params: Ec2Params, state: FakeAwsState) => string;

/** EC2 form parameters as sent (`SubnetId.1`, `Filter.1.Name`, `Filter.1.Value.1`, …). */
export type Ec2Params = ReadonlyMap<string, string>;
