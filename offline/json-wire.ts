/** JSON request bodies and responses, the same in the awsJson and restJson protocols. */
import { ServiceError } from './service-error.js';
import { isJsonObject, type JsonObject, type WireResponse } from './wire.js';

/** An empty body is `{}`; malformed JSON and non-objects are answered alike. */
export function parseJsonBody(body: string): JsonObject | ServiceError {
  if (body.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(body);
    if (isJsonObject(value)) return value;
  } catch {
    // fall through: the service answers malformed JSON and non-objects alike
  }
  return new ServiceError('SerializationException', 'The request body is not a JSON object.');
}

export function jsonResponse(
  statusCode: number,
  requestId: string,
  contentType: string,
  document: JsonObject,
  extraHeaders: Readonly<Record<string, string>> = {},
): WireResponse {
  return {
    statusCode,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId, ...extraHeaders },
    body: JSON.stringify(document),
  };
}
