import { describe, expect, it } from 'vitest';
import {
  MIN_RATE,
  MIN_SPAN_MS,
  PACE_SHARE,
  type PacingClock,
  PROBE_PER_SECOND,
  ThrottlePacer,
} from '../../../rule/sdk/pacing';

/** A clock that moves only when told to, or when a paced call sleeps. */
function fakeClock() {
  const slept: number[] = [];
  const clock: PacingClock & { time: number } = {
    time: 0,
    now: () => clock.time,
    sleep: async (ms) => {
      slept.push(ms);
      clock.time += ms;
    },
  };
  return { clock, slept };
}

const THROTTLE = { errorType: 'THROTTLING' };
const accept = (pacer: ThrottlePacer, calls: number) => {
  for (let call = 0; call < calls; call++) pacer.updateClientSendingRate({});
};

describe('ThrottlePacer', () => {
  it('paces nothing until a throttle and a measurement after it', async () => {
    const { clock, slept } = fakeClock();
    const pacer = new ThrottlePacer(clock);
    accept(pacer, 50);
    pacer.updateClientSendingRate(THROTTLE);
    for (let call = 0; call < 10; call++) await pacer.getSendToken();
    expect(slept).toEqual([]);
    expect(pacer.rate).toBeUndefined();
  });

  it('measures the rate allowed as the calls accepted between two throttles, then spaces calls just under it', async () => {
    const { clock, slept } = fakeClock();
    const pacer = new ThrottlePacer(clock);
    pacer.updateClientSendingRate(THROTTLE);
    accept(pacer, 10);
    clock.time = MIN_SPAN_MS - 1;
    // Too soon after the first: calls already on their way, not a measurement.
    pacer.updateClientSendingRate(THROTTLE);
    expect(pacer.rate).toBeUndefined();
    accept(pacer, 10);
    clock.time = 1_000;
    pacer.updateClientSendingRate(THROTTLE);
    expect(pacer.rate).toBeCloseTo(20 * PACE_SHARE);
    for (let call = 0; call < 3; call++) await pacer.getSendToken();
    // The first goes at once; each next one a pacing interval later (the interval widening with the probe).
    expect(slept).toHaveLength(2);
    expect(slept[0]).toBeCloseTo(1000 / (20 * PACE_SHARE), 0);
    expect(pacer.throttled).toBe(3);
  });

  it('answers other than throttles took a token too: errors count as accepted', () => {
    const { clock } = fakeClock();
    const pacer = new ThrottlePacer(clock);
    pacer.updateClientSendingRate(THROTTLE);
    accept(pacer, 5);
    for (const errorType of ['TRANSIENT', 'SERVER_ERROR', 'CLIENT_ERROR'])
      pacer.updateClientSendingRate({ errorType });
    clock.time = 1_000;
    pacer.updateClientSendingRate(THROTTLE);
    expect(pacer.rate).toBeCloseTo(8 * PACE_SHARE);
  });

  it('rises slowly between throttles, so that capacity freed later is found', () => {
    const { clock } = fakeClock();
    const pacer = new ThrottlePacer(clock);
    pacer.updateClientSendingRate(THROTTLE);
    accept(pacer, 25);
    clock.time = 1_000;
    pacer.updateClientSendingRate(THROTTLE);
    clock.time = 11_000;
    expect(pacer.rate).toBeCloseTo(25 * PACE_SHARE * (1 + 10 * PROBE_PER_SECOND));
  });

  it(`never goes below ${MIN_RATE} calls per second`, () => {
    const { clock } = fakeClock();
    const pacer = new ThrottlePacer(clock);
    pacer.updateClientSendingRate(THROTTLE);
    clock.time = 10_000;
    pacer.updateClientSendingRate(THROTTLE);
    expect(pacer.rate).toBe(MIN_RATE);
  });
});
