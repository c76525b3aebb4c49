/**
 * The awsJson1_1 protocol (SageMaker, Config): `POST /` with `X-Amz-Target: <Prefix>.<Operation>` and a
 * JSON body; errors carry their code in `__type` (and `x-amzn-ErrorType`) with a lower-case `message`.
 */
import type { Call } from './call.js';
import { CONFIG_EVALUATION_OPERATIONS } from './config-evaluations-api.js';
import { CONFIG_INVENTORY_OPERATIONS } from './config-inventory-api.js';
import { jsonResponse, parseJsonBody } from './json-wire.js';
import type { JsonOperation } from './operation.js';
import { SAGEMAKER_OPERATIONS } from './sagemaker-api.js';
import { ServiceError } from './service-error.js';
import type { WireRequest } from './wire.js';

interface JsonService {
  readonly name: string;
  readonly operations: Readonly<Record<string, JsonOperation>>;
}

const SERVICES_BY_TARGET_PREFIX: Readonly<Record<string, JsonService>> = {
  SageMaker: { name: 'sagemaker', operations: SAGEMAKER_OPERATIONS },
  StarlingDoveService: {
    name: 'config',
    operations: { ...CONFIG_INVENTORY_OPERATIONS, ...CONFIG_EVALUATION_OPERATIONS },
  },
};

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function awsJsonCall(request: WireRequest, requestId: string): Call {
  const target = request.headers['x-amz-target'] ?? '';
  const dot = target.lastIndexOf('.');
  const prefix = dot === -1 ? '' : target.slice(0, dot);
  const operationName = target.slice(dot + 1);
  const service = SERVICES_BY_TARGET_PREFIX[prefix];
  const operation = service?.operations[operationName];
  const parsed = parseJsonBody(request.body);
  return {
    service: service?.name ?? prefix,
    operation: operationName,
    protocol: 'awsJson1_1',
    input: parsed instanceof ServiceError ? {} : parsed,
    run(state) {
      if (operation === undefined) {
        throw new ServiceError(
          'UnknownOperationException',
          `Operation ${target || '(none)'} is not supported.`,
        );
      }
      if (parsed instanceof ServiceError) throw parsed;
      return jsonResponse(200, requestId, CONTENT_TYPE, operation(parsed, state));
    },
    fail(error) {
      return jsonResponse(
        error.statusCode,
        requestId,
        CONTENT_TYPE,
        { __type: error.code, message: error.message },
        { 'x-amzn-errortype': error.code },
      );
    },
  };
}
