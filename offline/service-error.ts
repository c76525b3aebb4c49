/**
 * An error the fake answers with, protocol-neutral: each protocol renders it the way the real service
 * does (awsJson `__type` body, EC2 `<Response><Errors>` XML).
 */
import type { WireProtocol } from './wire.js';

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

/** Errors every AWS service can answer, spelled the way each protocol spells them. */
export type CommonErrorKind =
  | 'throttling'
  | 'too-many-requests'
  | 'service-unavailable'
  | 'internal-error'
  | 'access-denied'
  | 'missing-authentication'
  | 'invalid-signature';

type Spelling = readonly [code: string, statusCode: number, message: string];

const COMMON_ERRORS: Readonly<Record<CommonErrorKind, Readonly<Record<WireProtocol, Spelling>>>> = {
  throttling: {
    awsJson1_1: ['ThrottlingException', 400, 'Rate exceeded'],
    ec2Query: ['RequestLimitExceeded', 503, 'Request limit exceeded.'],
    restJson1: ['ThrottlingException', 429, 'Rate exceeded'],
  },
  'too-many-requests': {
    awsJson1_1: ['ThrottlingException', 429, 'Rate exceeded'],
    ec2Query: ['RequestLimitExceeded', 429, 'Request limit exceeded.'],
    restJson1: ['TooManyRequestsException', 429, 'Rate exceeded'],
  },
  'service-unavailable': {
    awsJson1_1: ['ServiceUnavailable', 503, 'Service is unavailable. Please try again later.'],
    ec2Query: ['Unavailable', 503, 'The server is overloaded and can\u2019t handle the request.'],
    restJson1: ['ServiceUnavailable', 503, 'Service is unavailable. Please try again later.'],
  },
  'internal-error': {
    awsJson1_1: ['InternalFailure', 500, 'The request processing has failed because of an unknown error.'],
    ec2Query: ['InternalError', 500, 'An internal error has occurred.'],
    restJson1: ['InternalException', 500, 'Internal service failure.'],
  },
  'access-denied': {
    awsJson1_1: ['AccessDeniedException', 400, 'User is not authorized to perform this operation'],
    ec2Query: ['UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'],
    restJson1: ['AccessDeniedException', 403, 'User is not authorized to perform this operation'],
  },
  'missing-authentication': {
    awsJson1_1: ['MissingAuthenticationTokenException', 400, 'Missing Authentication Token'],
    ec2Query: ['AuthFailure', 401, 'AWS was not able to validate the provided access credentials'],
    restJson1: ['MissingAuthenticationTokenException', 403, 'Missing Authentication Token'],
  },
  'invalid-signature': {
    awsJson1_1: ['InvalidSignatureException', 400, 'Credential should be scoped to a valid region.'],
    ec2Query: ['AuthFailure', 401, 'AWS was not able to validate the provided access credentials'],
    restJson1: ['InvalidSignatureException', 403, 'Credential should be scoped to a valid region.'],
  },
};

export function commonError(kind: CommonErrorKind, protocol: WireProtocol, detail?: string): ServiceError {
  const [code, statusCode, message] = COMMON_ERRORS[kind][protocol];
  return new ServiceError(code, detail ? `${message} ${detail}` : message, statusCode);
}
