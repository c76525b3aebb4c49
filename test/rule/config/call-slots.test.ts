import { describe, expect, it } from 'vitest';
import { CallSlots } from '../../../rule/config/call-slots';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CallSlots', () => {
  it('runs at most `size` calls at once and starts waiting ones first come, first served', async () => {
    const slots = new CallSlots(2);
    const started: number[] = [];
    const finish = new Map<number, () => void>();
    const calls = [1, 2, 3, 4].map((id) =>
      slots.run(
        () =>
          new Promise<number>((resolve) => {
            started.push(id);
            finish.set(id, () => resolve(id));
          }),
      ),
    );
    await settle();
    expect(started).toEqual([1, 2]);
    finish.get(2)?.();
    await settle();
    expect(started).toEqual([1, 2, 3]);
    finish.get(1)?.();
    await settle();
    expect(started).toEqual([1, 2, 3, 4]);
    finish.get(3)?.();
    finish.get(4)?.();
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3, 4]);
  });

  it('frees the slot of a call that fails', async () => {
    const slots = new CallSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });

  it('lets a caller hold a slot between acquire and release', async () => {
    const slots = new CallSlots(1);
    await slots.acquire();
    let ran = false;
    const waiting = slots.run(async () => {
      ran = true;
    });
    await settle();
    expect(ran).toBe(false);
    slots.release();
    await waiting;
    expect(ran).toBe(true);
  });
});
