/**
 * Deterministic fault injection for the fake AWS endpoint. A seeded generator decides, call by call in
 * arrival order, which calls fail and how; every injected fault is recorded (and flagged in the request
 * log), so a test can prove "every evaluation delivered exactly once" or "failed loudly" under faults.
 * A rate limit throttles the way AWS services do: a token bucket per service, each accepted call taking a
 * token, a refused one none.
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
  /** A token bucket per service: calls beyond its rate are throttled (the random faults still apply to the rest). */
  readonly rateLimit?: RateLimit;
  /** PutEvaluations reports these resources in FailedEvaluations for their first `times` submissions. */
  readonly failedEvaluations?: ReadonlyArray<{ readonly resourceId: string; readonly times?: number }>;
}

export interface RateLimit {
  /** Tokens added per second: the sustained rate each service accepts. */
  readonly callsPerSecond: number;
  /** Tokens a full bucket holds: the calls accepted at once after a quiet moment (default callsPerSecond). */
  readonly burst?: number;
  /** How a refused call is answered (default 'throttling': 400 ThrottlingException, EC2 503 RequestLimitExceeded). */
  readonly kind?: FaultKind;
}

export interface InjectedFault {
  readonly sequence: number;
  readonly service: string;
  readonly operation: string;
  readonly kind: FaultKind;
  /** Refused by the rate limit's token bucket (not a random or per-operation fault). */
  readonly rateLimited: boolean;
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

/** `now` is the rate limit's clock in milliseconds (default: the process's monotonic clock). */
export function createFaultInjector(
  policy: FaultPolicy,
  now: () => number = () => performance.now(),
): FaultInjector {
  const random = mulberry32(policy.seed ?? 1);
  const throttleKinds = policy.throttleKinds ?? DEFAULT_THROTTLE_KINDS;
  const callsPerOperation = new Map<string, number>();
  const buckets = policy.rateLimit ? new ServiceBuckets(policy.rateLimit, now) : undefined;
  const injected: InjectedFault[] = [];

  const interceptor: CallInterceptor = (call) => {
    // Draw the same amount of randomness for every call, so one call's fate never shifts another's.
    const throttleDraw = random();
    const internalDraw = random();
    const kindDraw = random();
    const calls = (callsPerOperation.get(call.operation) ?? 0) + 1;
    callsPerOperation.set(call.operation, calls);

    let kind: FaultKind | undefined;
    let rateLimited = false;
    const override = policy.operations?.[call.operation];
    if (override) {
      if (calls <= (override.times ?? Number.POSITIVE_INFINITY)) kind = override.kind;
    } else if (buckets && !buckets.take(call.service)) {
      kind = policy.rateLimit?.kind ?? 'throttling';
      rateLimited = true;
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
      service: call.service,
      operation: call.operation,
      kind,
      rateLimited,
      ...(call.attempt !== undefined && { attempt: call.attempt }),
      ...(call.invocationId !== undefined && { invocationId: call.invocationId }),
    });
    return commonError(kind, call.protocol, '(injected fault)');
  };

  return { interceptor, injected };
}

/** One token bucket per service, full at the start. */
class ServiceBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly burst: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
  ) {
    this.burst = limit.burst ?? limit.callsPerSecond;
  }

  /** Takes a token for one call of `service`; false when the bucket is empty (the call is throttled). */
  take(service: string): boolean {
    const at = this.now();
    const bucket = this.buckets.get(service) ?? { tokens: this.burst, at };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((at - bucket.at) / 1000) * this.limit.callsPerSecond,
    );
    bucket.at = at;
    this.buckets.set(service, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
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
