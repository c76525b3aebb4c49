/**
 * Pacing calls to the rate a service allows, as the rate limiter of the SDK's adaptive retry
 * (`new AdaptiveRetryStrategy(maxAttempts, { rateLimiter })`): the SDK still retries throttled calls with its
 * backoff and retry quota; this decides how fast new attempts go out.
 *
 * AWS throttles each API with a token bucket. A throttle says the bucket is empty, so the calls the service
 * accepts from one throttle to the next are exactly what it refilled in between: accepted calls ÷ the time
 * between two throttles (at least MIN_SPAN_MS apart, so a few calls already on their way do not count as a
 * measurement) is the rate it allows. Calls are then spaced at a little under that rate, rising slowly, so that
 * capacity freed later is found, and the next throttle measures again. Until the first throttle nothing is
 * paced; from the first to the next measurement calls go as the sweep sends them (the bucket is empty anyway).
 *
 * Why not the SDK's own DefaultRateLimiter: it measures the sending rate in half-second buckets counted from
 * the client's creation, so a fresh client's first throttle — in a sweep, within its first second — reads a
 * rate near zero, cuts to 0.5 calls/s and takes seconds to climb back (a sweep of 400 notebooks against a
 * 25 calls/s bucket ran at 83% of that rate).
 */
import type { RateLimiter } from '@smithy/core/retry';

/** Shortest time between two throttles that gives a measurement. */
export const MIN_SPAN_MS = 500;
/** Calls are spaced at this share of the measured rate… */
export const PACE_SHARE = 0.98;
/** …growing by this share of it per second until the next measurement. */
export const PROBE_PER_SECOND = 0.03;
/** Never slower than this (calls per second), however little a measurement found. */
export const MIN_RATE = 0.5;

export interface PacingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: PacingClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What the SDK's retry strategy passes: `{}` after a success, its error info after a failed attempt. */
interface AttemptOutcome {
  readonly errorType?: string;
}

export class ThrottlePacer implements RateLimiter {
  /** Calls per second since the last measurement; undefined until one: nothing is paced. */
  private measured?: number;
  /** When the current measurement window started: at a throttle (the bucket was empty). */
  private windowStart?: number;
  private acceptedInWindow = 0;
  private nextSendAt = 0;
  private throttles = 0;

  constructor(private readonly clock: PacingClock = REAL_CLOCK) {}

  /** Throttled attempts seen so far (for logs and the benchmark). */
  get throttled(): number {
    return this.throttles;
  }

  /** The rate calls go out at now, in calls per second; undefined while nothing is paced. */
  get rate(): number | undefined {
    if (this.measured === undefined || this.windowStart === undefined) return undefined;
    const seconds = Math.max(0, this.clock.now() - this.windowStart) / 1000;
    return Math.max(MIN_RATE, this.measured * PACE_SHARE * (1 + PROBE_PER_SECOND * seconds));
  }

  async getSendToken(): Promise<void> {
    const rate = this.rate;
    if (rate === undefined) return;
    const now = this.clock.now();
    const sendAt = Math.max(now, this.nextSendAt);
    this.nextSendAt = sendAt + 1000 / rate;
    if (sendAt > now) await this.clock.sleep(sendAt - now);
  }

  updateClientSendingRate(outcome: AttemptOutcome | undefined): void {
    // Any answer but a throttle took a token from the service's bucket, errors included.
    if (outcome?.errorType !== 'THROTTLING') {
      this.acceptedInWindow += 1;
      return;
    }
    this.throttles += 1;
    const now = this.clock.now();
    if (this.windowStart !== undefined) {
      const span = now - this.windowStart;
      if (span < MIN_SPAN_MS) return;
      this.measured = (this.acceptedInWindow * 1000) / span;
    }
    this.windowStart = now;
    this.acceptedInWindow = 0;
  }
}
