/**
 * Sending results in batches, the way both Config (PutEvaluations) and Security Hub (BatchImportFindings) need:
 * the items a call reports as failed are sent again a few times, backing off; a call that throws (the SDK has
 * already retried what was retryable) loses its batch for this invocation. The caller attempts every batch, so
 * one bad batch does not withhold the others, and fails loudly at the end.
 */

export const FAILED_ITEM_ATTEMPTS = 3;
const RETRY_BASE_DELAY_MS = 200;

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface BatchOutcome<T> {
  /** Still failed after the last attempt, or never sent because a call threw. */
  readonly undelivered: T[];
  /** The error a call threw, if one did. */
  readonly thrown?: unknown;
}

/** `send` delivers what it is given and returns the items the service reported as failed. */
export async function deliverBatch<T>(
  batch: readonly T[],
  send: (pending: readonly T[]) => Promise<T[]>,
  sleep: Sleep = realSleep,
): Promise<BatchOutcome<T>> {
  let pending: readonly T[] = batch;
  for (let attempt = 1; pending.length > 0 && attempt <= FAILED_ITEM_ATTEMPTS; attempt++) {
    if (attempt > 1) await sleep(RETRY_BASE_DELAY_MS * 2 ** (attempt - 2));
    try {
      pending = await send(pending);
    } catch (thrown) {
      return { undelivered: [...pending], thrown };
    }
  }
  return { undelivered: [...pending] };
}

/**
 * The loud failure's words: `<service> did not accept 7 <things> (a, b, c, d, e, …): <error names>`, or
 * `…: still in <failed list> after retries` when the service kept refusing them without an error.
 */
export function undeliveredMessage(
  service: string,
  things: string,
  names: readonly string[],
  causes: readonly unknown[],
  failedList: string,
): string {
  const reasons = [...new Set(causes.map((cause) => (cause instanceof Error ? cause.name : String(cause))))];
  return (
    `${service} did not accept ${names.length} ${things} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})` +
    (reasons.length > 0 ? `: ${reasons.join(', ')}` : `: still in ${failedList} after retries`)
  );
}
