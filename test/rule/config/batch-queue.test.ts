import { describe, expect, it } from 'vitest';
import { BatchQueue } from '../../../rule/config/batch-queue';

/** A send that holds each batch until released. */
function heldSend() {
  const sent: number[][] = [];
  const releases: Array<() => void> = [];
  const send = (batch: number[]) =>
    new Promise<void>((release) => {
      sent.push(batch);
      releases.push(release);
    });
  const releaseNext = async () => {
    releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { sent, send, releaseNext };
}

describe('BatchQueue', () => {
  it('sends full batches as they fill, one at a time in order, and the rest at close', async () => {
    const sent: number[][] = [];
    const queue = new BatchQueue<number>(3, 2, async (batch) => {
      sent.push(batch);
    });
    for (let item = 1; item <= 7; item++) await queue.add(item);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await queue.close();
    expect(sent).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('makes producers wait while maxWaiting batches wait for delivery', async () => {
    const { sent, send, releaseNext } = heldSend();
    const queue = new BatchQueue<number>(2, 2, send);
    const added: number[] = [];
    const producer = (async () => {
      for (let item = 1; item <= 8; item++) {
        await queue.add(item);
        added.push(item);
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    // Two full batches wait (the first one being sent): the fifth item is not taken.
    expect(added).toEqual([1, 2, 3, 4]);
    expect(sent).toEqual([[1, 2]]);
    await releaseNext();
    expect(added).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sent).toEqual([
      [1, 2],
      [3, 4],
    ]);
    for (let batch = 0; batch < 3; batch++) await releaseNext();
    await producer;
    const closed = queue.close();
    await releaseNext();
    await closed;
    expect(sent.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('close fails with the error a send threw', async () => {
    const queue = new BatchQueue<number>(1, 5, async () => {
      throw new Error('delivery broke');
    });
    await queue.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(queue.close()).rejects.toThrow('delivery broke');
  });
});
