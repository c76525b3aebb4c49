/** The fake AWS endpoint for integration tests and benchmarks: server, fault policy, synthetic accounts. */
export type {
  FaultInjector,
  FaultKind,
  FaultPolicy,
  InjectedFault,
  OperationFault,
  RateLimit,
} from './faults.js';
export { armEvaluationFailures, createFaultInjector } from './faults.js';
export type { FakeAwsServer, FakeAwsServerOptions } from './server.js';
export { startFakeAws } from './server.js';
export type { SyntheticAccountOptions } from './synthetic-account.js';
export { createSyntheticAccount } from './synthetic-account.js';
