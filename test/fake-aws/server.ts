/**
 * The fake AWS over HTTP on 127.0.0.1, for integration tests and benchmarks: a child process that sets
 * `AWS_ENDPOINT_URL` (see `childEnv()`) reaches the same emulation the in-process handler serves, with an
 * optional fixed latency per call and deterministic faults.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import {
  createFakeAwsBackend,
  type FakeAwsState,
  type Inventory,
  OFFLINE_CREDENTIALS,
  type RequestLog,
  type WireRequest,
} from '../../offline/index.js';
import {
  armEvaluationFailures,
  createFaultInjector,
  type FaultPolicy,
  type InjectedFault,
} from './faults.js';

export interface FakeAwsServerOptions {
  readonly inventory: Inventory;
  /** Added before every answer, like a network round trip and service time (default 0). */
  readonly latencyMs?: number;
  readonly faults?: FaultPolicy;
  /** The clock for recorded times; defaults to the real one. */
  readonly now?: () => Date;
}

export interface FakeAwsServer {
  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL. */
  readonly url: string;
  readonly port: number;
  readonly requests: RequestLog;
  readonly state: FakeAwsState;
  /** The faults injected so far. */
  readonly injectedFaults: readonly InjectedFault[];
  /** Environment for a child process that should use this endpoint with the SDK's default configuration. */
  childEnv(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startFakeAws(options: FakeAwsServerOptions): Promise<FakeAwsServer> {
  const injector = options.faults ? createFaultInjector(options.faults) : undefined;
  const backend = createFakeAwsBackend(options.inventory, {
    ...(injector && { interceptor: injector.interceptor }),
    ...(options.now && { now: options.now }),
  });
  if (options.faults) armEvaluationFailures(options.faults, backend.state);
  const latencyMs = options.latencyMs ?? 0;

  const server = createServer((request, response) => {
    void (async () => {
      const wire = await toWireRequest(request);
      if (latencyMs > 0) await delay(latencyMs);
      try {
        const answer = backend.handle(wire);
        response.writeHead(answer.statusCode, answer.headers).end(answer.body);
      } catch (error) {
        // A bug in the fake or its data: answer 500 with the reason rather than hang the client.
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`fake AWS failure: ${String(error)}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    requests: backend.requests,
    state: backend.state,
    injectedFaults: injector?.injected ?? [],
    childEnv: () => ({
      // No inherited AWS_* settings (profiles, per-service endpoints, session tokens) may redirect the child.
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
      AWS_ENDPOINT_URL: url,
      AWS_REGION: backend.state.region,
      AWS_ACCESS_KEY_ID: OFFLINE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: OFFLINE_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function toWireRequest(request: IncomingMessage): Promise<WireRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: request.method ?? 'GET',
    path: request.url ?? '/',
    headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}
