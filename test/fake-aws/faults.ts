/**
 * Deterministic fault injection for the fake AWS endpoint. A seeded generator decides, call by call in
 * arrival order, which calls fail and how; every injected fault is recorded (and flagged in the request
 * log), so a test can prove "every evaluation delivered exactly once" or "failed loudly" under faults.
 */
import {
  type CallInterceptor,
  type CommonErrorKind,
  commonError,
  type FakeAwsState,
} from '../../offline/index.js';

export type FaultKind = Extract<
  CommonErrorKind,
  'throttling' | 'too-many-requests' | 'service-unavailable' | 'internal-error' | 'access-denied'
>;

export interface OperationFault {
  readonly kind: FaultKind;
  /** Fault only the first `times` calls of the operation (retries count as calls); default every call. */
  readonly times?: number;
}

export interface FaultPolicy {
  /** Seed for the random faults (default 1): the same seed and call order give the same faults. */
  readonly seed?: number;
  /** Fraction of calls (0–1) answered with a throttling-type error. */
  readonly throttleRate?: number;
  /** The throttling errors to rotate through (default: 400 ThrottlingException, 429, 503 ServiceUnavailable). */
  readonly throttleKinds?: readonly FaultKind[];
  /** Fraction of calls (0–1) answered with 500 InternalFailure. */
  readonly internalErrorRate?: number;
  /** Never fault the SDK's last attempt of a call, so every call eventually succeeds (default false). */
  readonly spareLastAttempt?: boolean;
  /** Operations the random faults leave alone. */
  readonly exemptOperations?: readonly string[];
  /** Per-operation faults, applied before (and instead of) the random ones, e.g. always AccessDenied. */
  readonly operations?: Readonly<Record<string, OperationFault>>;
  /** PutEvaluations reports these resources in FailedEvaluations for their first `times` submissions. */
  readonly failedEvaluations?: ReadonlyArray<{ readonly resourceId: string; readonly times?: number }>;
}

export interface InjectedFault {
  readonly sequence: number;
  readonly operation: string;
  readonly kind: FaultKind;
  readonly attempt?: number;
  readonly invocationId?: string;
}

export interface FaultInjector {
  readonly interceptor: CallInterceptor;
  /** Every fault injected so far, in order. */
  readonly injected: readonly InjectedFault[];
}

const DEFAULT_THROTTLE_KINDS: readonly FaultKind[] = [
  'throttling',
  'too-many-requests',
  'service-unavailable',
];

export function createFaultInjector(policy: FaultPolicy): FaultInjector {
  const random = mulberry32(policy.seed ?? 1);
  const throttleKinds = policy.throttleKinds ?? DEFAULT_THROTTLE_KINDS;
  const callsPerOperation = new Map<string, number>();
  const injected: InjectedFault[] = [];

  const interceptor: CallInterceptor = (call) => {
    // Draw the same amount of randomness for every call, so one call's fate never shifts another's.
    const throttleDraw = random();
    const internalDraw = random();
    const kindDraw = random();
    const calls = (callsPerOperation.get(call.operation) ?? 0) + 1;
    callsPerOperation.set(call.operation, calls);

    let kind: FaultKind | undefined;
    const override = policy.operations?.[call.operation];
    if (override) {
      if (calls <= (override.times ?? Number.POSITIVE_INFINITY)) kind = override.kind;
    } else if (!policy.exemptOperations?.includes(call.operation)) {
      const isLastAttempt = call.attempt !== undefined && call.attempt === call.maxAttempts;
      if (!(policy.spareLastAttempt && isLastAttempt)) {
        if (throttleDraw < (policy.throttleRate ?? 0)) {
          kind = throttleKinds[Math.floor(kindDraw * throttleKinds.length)];
        } else if (internalDraw < (policy.internalErrorRate ?? 0)) {
          kind = 'internal-error';
        }
      }
    }
    if (kind === undefined) return undefined;
    injected.push({
      sequence: call.sequence,
      operation: call.operation,
      kind,
      ...(call.attempt !== undefined && { attempt: call.attempt }),
      ...(call.invocationId !== undefined && { invocationId: call.invocationId }),
    });
    return commonError(kind, call.protocol, '(injected fault)');
  };

  return { interceptor, injected };
}

/** Arms the state with the policy's FailedEvaluations. */
export function armEvaluationFailures(policy: FaultPolicy, state: FakeAwsState): void {
  for (const failure of policy.failedEvaluations ?? [])
    state.failEvaluationsFor(failure.resourceId, failure.times);
}

/** A small, well-known seeded generator: deterministic across runs and platforms. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
