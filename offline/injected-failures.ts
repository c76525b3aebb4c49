/** Failures a test asks the fake to inject: the next `times` submissions of a key are reported as failed. */
export class InjectedFailures {
  private readonly remaining = new Map<string, number>();

  add(key: string, times = Number.POSITIVE_INFINITY): void {
    this.remaining.set(key, times);
  }

  /** Consumes one injected failure for the key; false when none is pending. */
  take(key: string): boolean {
    const left = this.remaining.get(key) ?? 0;
    if (left <= 0) return false;
    this.remaining.set(key, left - 1);
    return true;
  }
}
