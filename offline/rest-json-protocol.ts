/**
 * The restJson1 protocol (Security Hub): the operation is the method and path (`POST /findings/import`), the
 * body JSON; errors carry their code in `x-amzn-ErrorType` and the body's `Message` and `Code`.
 */
import type { Call } from './call.js';
import { jsonResponse, parseJsonBody } from './json-wire.js';
import type { JsonOperation } from './operation.js';
import { SECURITY_HUB_OPERATIONS } from './security-hub-api.js';
import { ServiceError } from './service-error.js';
import type { WireRequest } from './wire.js';

const CONTENT_TYPE = 'application/json';

interface RestRoute {
  readonly operation: string;
  readonly run: JsonOperation;
}

const ROUTES: Readonly<Record<string, RestRoute>> = SECURITY_HUB_OPERATIONS;

export function restJsonCall(request: WireRequest, requestId: string): Call {
  const route = `${request.method} ${request.path.split('?')[0]}`;
  const known = ROUTES[route];
  const parsed = parseJsonBody(request.body);
  return {
    service: known ? 'securityhub' : 'unknown',
    operation: known?.operation ?? route,
    protocol: 'restJson1',
    input: parsed instanceof ServiceError ? {} : parsed,
    run(state) {
      if (known === undefined) throw new ServiceError('UnknownOperationException', `No route ${route}.`, 404);
      if (parsed instanceof ServiceError) throw parsed;
      return jsonResponse(200, requestId, CONTENT_TYPE, known.run(parsed, state));
    },
    fail(error) {
      return jsonResponse(
        error.statusCode,
        requestId,
        CONTENT_TYPE,
        { Code: error.code, Message: error.message },
        { 'x-amzn-errortype': error.code },
      );
    },
  };
}
