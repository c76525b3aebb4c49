/**
 * Items gathered into batches of `size` and handed on one batch at a time, in order, as each fills up. It is
 * the sweep's backpressure: while `maxWaiting` full batches wait for `send` (the one being sent included),
 * `add` waits before taking its item, so producers cannot run ahead of delivery and memory stays bounded
 * whatever the number of items.
 */
export class BatchQueue<T> {
  private current: T[] = [];
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private readonly wakers: Array<() => void> = [];

  constructor(
    private readonly size: number,
    private readonly maxWaiting: number,
    private readonly send: (batch: T[]) => Promise<void>,
  ) {}

  /** Adds one item once fewer than `maxWaiting` full batches wait. */
  async add(item: T): Promise<void> {
    while (this.waiting >= this.maxWaiting) await new Promise<void>((wake) => this.wakers.push(wake));
    this.current.push(item);
    if (this.current.length === this.size) this.enqueue();
  }

  /** Sends what is left and waits for every batch; rejects with the first error `send` threw. */
  async close(): Promise<void> {
    if (this.current.length > 0) this.enqueue();
    await this.tail;
  }

  private enqueue(): void {
    const batch = this.current;
    this.current = [];
    this.waiting += 1;
    this.tail = this.tail
      .then(() => this.send(batch))
      .finally(() => {
        this.waiting -= 1;
        for (const wake of this.wakers.splice(0)) wake();
      });
    // Seen by close(); until then a failed send must not count as an unhandled rejection.
    this.tail.catch(() => undefined);
  }
}
