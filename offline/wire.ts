/**
 * The transport-neutral request and response the emulation speaks. The in-process SDK handler and the
 * HTTP server both translate to and from these, so there is one emulation and two transports.
 */

export interface WireRequest {
  readonly method: string;
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface WireResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The wire protocols of the services the rule calls. */
export type WireProtocol = 'awsJson1_1' | 'ec2Query' | 'restJson1';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
