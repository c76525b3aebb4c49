/**
 * The restJson1 protocol (Security Hub): the operation is the method and path (`POST /findings/import`), the
 * body JSON; errors carry their code in `x-amzn-ErrorType` and the body's `Message` and `Code`.
 */
import type { Call } from './call.js';
import type { JsonOperation } from './operation.js';
import { SECURITY_HUB_OPERATIONS } from './security-hub-api.js';
import { ServiceError } from './service-error.js';
import { isJsonObject, type JsonObject, type WireRequest, type WireResponse } from './wire.js';

interface RestRoute {
  readonly operation: string;
  readonly run: JsonOperation;
}

const ROUTES: Readonly<Record<string, RestRoute>> = SECURITY_HUB_OPERATIONS;

export function restJsonCall(request: WireRequest, requestId: string): Call {
  const route = `${request.method} ${request.path.split('?')[0]}`;
  const known = ROUTES[route];
  const parsed = parseBody(request.body);
  return {
    service: known ? 'securityhub' : 'unknown',
    operation: known?.operation ?? route,
    protocol: 'restJson1',
    input: parsed instanceof ServiceError ? {} : parsed,
    run(state) {
      if (known === undefined) throw new ServiceError('UnknownOperationException', `No route ${route}.`, 404);
      if (parsed instanceof ServiceError) throw parsed;
      return respond(200, requestId, known.run(parsed, state), {});
    },
    fail(error) {
      return respond(
        error.statusCode,
        requestId,
        { Code: error.code, Message: error.message },
        { 'x-amzn-errortype': error.code },
      );
    },
  };
}

function parseBody(body: string): JsonObject | ServiceError {
  if (body.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(body);
    if (isJsonObject(value)) return value;
  } catch {
    // fall through: malformed JSON and non-objects are answered alike
  }
  return new ServiceError('SerializationException', 'The request body is not a JSON object.');
}

function respond(
  statusCode: number,
  requestId: string,
  document: JsonObject,
  extraHeaders: Readonly<Record<string, string>>,
): WireResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...extraHeaders },
    body: JSON.stringify(document),
  };
}
