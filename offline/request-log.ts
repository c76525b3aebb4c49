/** What the fake was asked, in order: lets tests and benchmarks assert "API calls per event". */
import type { JsonObject } from './wire.js';

export interface LoggedRequest {
  readonly sequence: number;
  readonly service: string;
  readonly operation: string;
  readonly input: JsonObject;
  readonly statusCode: number;
  /** Set when the answer was an error. */
  readonly errorCode?: string;
  /** True when a fault interceptor, not the emulation, produced the error. */
  readonly injected: boolean;
  /** The SDK's attempt number for this call (from `amz-sdk-request`), when it sent one. */
  readonly attempt?: number;
  /** The SDK's id for one logical call, the same across its retries (`amz-sdk-invocation-id`). */
  readonly invocationId?: string;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  /** Requests for one operation (or all), optionally only those that succeeded. */
  count(operation?: string, options: { readonly succeeded?: boolean } = {}): number {
    return this.entries.filter(
      (entry) =>
        (operation === undefined || entry.operation === operation) &&
        (options.succeeded === undefined || (entry.errorCode === undefined) === options.succeeded),
    ).length;
  }

  countsByOperation(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.entries) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1;
    return counts;
  }

  ofOperation(operation: string): LoggedRequest[] {
    return this.entries.filter((entry) => entry.operation === operation);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
