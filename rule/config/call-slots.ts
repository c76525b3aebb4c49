/**
 * At most `size` calls at once, first come first served: `run` takes a slot for one call; `acquire` and
 * `release` are for a caller that must wait for a slot before it pulls the work it will start (the sweep's
 * listing, so it is never further ahead than the calls it may make).
 */
export class CallSlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((granted) => this.waiting.push(granted));
  }

  /** Hands the slot to the longest waiting caller, else frees it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await call();
    } finally {
      this.release();
    }
  }
}
