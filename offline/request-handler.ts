/**
 * An SDK v3 `requestHandler` that answers from the fake in-process, with no sockets: the SDK's own
 * serializers, signers, retries and deserializers run exactly as against AWS; only the transport differs.
 * Pass it as `requestHandler` to any client (`new SageMakerClient({ region, credentials, requestHandler })`).
 */
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';
import type { WireRequest, WireResponse } from './wire.js';

export interface InProcessRequestHandler {
  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }>;
  /** The SDK's HttpHandler contract; an in-process transport has no settings to change. */
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

export function createInProcessRequestHandler(
  handle: (request: WireRequest) => WireResponse,
): InProcessRequestHandler {
  return {
    async handle(request, options) {
      if (options?.abortSignal?.aborted) {
        throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
      }
      const answer = handle(toWireRequest(request));
      return {
        response: {
          statusCode: answer.statusCode,
          headers: { ...answer.headers },
          body: Buffer.from(answer.body),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

function toWireRequest(request: HttpRequest): WireRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  return { method: request.method, path: request.path, headers, body: bodyText(request.body) };
}

/** The SDK hands over a string (EC2 form) or bytes (JSON); the rule's calls never stream a body. */
function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  throw new Error('The in-process AWS fake cannot read a streamed request body');
}
