/**
 * Keyed pagination, the way AWS list APIs behave: a token remembers the last key served, so a page
 * boundary survives items appearing or vanishing between calls (a sweep must not skip notebooks because
 * one was deleted mid-listing). Tokens are opaque and bound to the listing that issued them.
 */
import type { ServiceError } from './service-error.js';

export interface PageRequest {
  /** Which listing (operation and filters) the token belongs to; a token from another listing is refused. */
  readonly scope: string;
  readonly token?: string;
  readonly limit: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

interface TokenContent {
  readonly scope: string;
  readonly after: string;
}

/** `sorted` must be ordered by `keyOf` ascending (or descending when `descending`), keys unique. */
export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  request: PageRequest,
  invalidToken: () => ServiceError,
  descending = false,
): Page<T> {
  let start = 0;
  if (request.token !== undefined && request.token !== '') {
    const after = decodeToken(request.token, request.scope, invalidToken);
    const isPast = (key: string) => (descending ? key < after : key > after);
    start = sorted.findIndex((item) => isPast(keyOf(item)));
    if (start === -1) start = sorted.length;
  }
  const items = sorted.slice(start, start + request.limit);
  const last = items.at(-1);
  const more = start + items.length < sorted.length;
  return last !== undefined && more
    ? { items, nextToken: encodeToken({ scope: request.scope, after: keyOf(last) }) }
    : { items };
}

function encodeToken(content: TokenContent): string {
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

function decodeToken(token: string, scope: string, invalidToken: () => ServiceError): string {
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (
    typeof content !== 'object' ||
    content === null ||
    (content as Partial<TokenContent>).scope !== scope ||
    typeof (content as Partial<TokenContent>).after !== 'string'
  ) {
    throw invalidToken();
  }
  return (content as TokenContent).after;
}

/** Sorting with plain code-unit comparison: deterministic, locale-independent. */
export function byKey<T>(keyOf: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}
