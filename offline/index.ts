/**
 * The offline AWS: the example account (or any Inventory) served to the real SDK clients in-process.
 *
 *   const offline = createOfflineAws(inventory);
 *   const sagemaker = new SageMakerClient(offline.clientConfig);
 *   … offline.requests.countsByOperation(), offline.state.storedEvaluations()
 */
import { createFakeAwsBackend, type FakeAwsBackendOptions } from './backend.js';
import type { Inventory } from './inventory.js';
import { createInProcessRequestHandler, type InProcessRequestHandler } from './request-handler.js';
import type { RequestLog } from './request-log.js';
import type { FakeAwsState } from './state.js';

/** Any non-empty keys: the fake checks a request is signed, not by whom. */
export const OFFLINE_CREDENTIALS = {
  accessKeyId: 'AKIAOFFLINEEXAMPLE00',
  secretAccessKey: 'offline-secret-access-key-not-a-real-one',
} as const;

export interface OfflineAws {
  readonly requestHandler: InProcessRequestHandler;
  /** Spread into any SDK client's constructor: region, fake credentials and the in-process handler. */
  readonly clientConfig: {
    readonly region: string;
    readonly credentials: typeof OFFLINE_CREDENTIALS;
    readonly requestHandler: InProcessRequestHandler;
  };
  readonly state: FakeAwsState;
  readonly requests: RequestLog;
}

export function createOfflineAws(inventory: Inventory, options: FakeAwsBackendOptions = {}): OfflineAws {
  const backend = createFakeAwsBackend(inventory, options);
  const requestHandler = createInProcessRequestHandler(backend.handle);
  return {
    requestHandler,
    clientConfig: { region: inventory.region, credentials: OFFLINE_CREDENTIALS, requestHandler },
    state: backend.state,
    requests: backend.requests,
  };
}

export type { CallContext, CallInterceptor, FakeAwsBackend, FakeAwsBackendOptions } from './backend.js';
export { createFakeAwsBackend } from './backend.js';
export type { NotebookConfiguration } from './configuration-item.js';
export { toNotebookConfiguration } from './configuration-item.js';
export type { DiscoveredResource, Inventory, InventoryNotebook, PriorEvaluation } from './inventory.js';
export { InvalidInventoryError, parseInventory } from './parse-inventory.js';
export type { InProcessRequestHandler } from './request-handler.js';
export { createInProcessRequestHandler } from './request-handler.js';
export type { LoggedRequest } from './request-log.js';
export { RequestLog } from './request-log.js';
export type { DisabledAnswer, ImportedFinding } from './security-hub-state.js';
export { SecurityHubState } from './security-hub-state.js';
export type { CommonErrorKind } from './service-error.js';
export { commonError, ServiceError } from './service-error.js';
export type { StoredEvaluation, SubmittedEvaluation } from './state.js';
export { DEFAULT_CONFIG_RULE_NAME, FakeAwsState, NOTEBOOK_RESOURCE_TYPE } from './state.js';
export type { WireProtocol, WireRequest, WireResponse } from './wire.js';
