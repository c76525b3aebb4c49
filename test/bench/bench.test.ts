/**
 * The benchmark's machinery on tiny sizes, so `npm run bench` cannot rot silently: every section runs its
 * real code path and its counts, summaries, ratios and reports come out. No timing is asserted.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoggedRequest } from '../../offline/index';
import { RULE_BUNDLE } from '../../rule/build';
import { pythonFor, withBoto3 } from '../support/needs-python';
import { measureChangeEvents, reportChangeEvents, splitByEvent } from './change-events';
import { BUNDLE_VARIANTS, coldStartRatios, measureColdStart, reportColdStart } from './cold-start';
import { table } from './format';
import { interleave } from './interleave';
import { measureRateLimited, type RateLimitPlan, reportRateLimited } from './rate-limit';
import { measureRunbookHappyPath, PHASES, reportRunbook } from './runbook';
import { ratio, summarize } from './statistics';
import { reportSweepScale } from './sweep-report';
import {
  callGrowth,
  casesBySize,
  cpuBoundFloorMs,
  FULL_SWEEP_PLAN,
  figuresFor,
  findingsImportFigures,
  measureSweepScale,
  type SweepPlan,
  sequentialFloorMs,
  speedUpOverFloor,
  speedUpOverSequential,
} from './sweep-scale';
import { changeEventTargets, coldStartTargets, rateLimitTargets, sweepTargets } from './targets';

const SCRATCH = join(import.meta.dirname, '..', '..', '.bench', `test-${process.pid}`);
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

const sum = (values: Readonly<Record<string, number>>) => Object.values(values).reduce((a, b) => a + b, 0);

describe('statistics and layout', () => {
  it('summarizes with median, quartiles and range, and divides medians', () => {
    const summary = summarize([5, 1, 3, 2, 4]);
    expect(summary).toEqual({ runs: 5, median: 3, min: 1, max: 5, q1: 2, q3: 4 });
    expect(summarize([10, 20]).median).toBe(15);
    expect(ratio(summary, summarize([1, 1, 1]))).toBe(3);
    expect(() => summarize([])).toThrow(/no samples/);
    expect(() => ratio(1, 0)).toThrow(/divide/);
  });

  it('interleaves variants round by round, rotating who goes first', async () => {
    const order: string[] = [];
    const samples = await interleave(['a', 'b', 'c'], 2, async (variant, round) => {
      order.push(variant);
      return round;
    });
    expect(order).toEqual(['a', 'b', 'c', 'b', 'c', 'a']);
    expect(samples.get('a')).toEqual([0, 1]);
  });

  it('aligns figures right and text left', () => {
    expect(
      table(
        ['name', 'time'],
        [
          ['ours', '30.1 ms [29.0 ms–31.0 ms]'],
          ['default', '7.3x faster'],
        ],
      ),
    ).toBe(
      [
        'name     time',
        '-------  -------------------------',
        'ours     30.1 ms [29.0 ms–31.0 ms]',
        'default  7.3x faster',
      ].join('\n'),
    );
    expect(() => table(['one'], [['a', 'b']])).toThrow(/2 cells for 1 columns/);
  });
});

describe('cold start', () => {
  it('builds every step from rule/build.ts, loads each (and a baseline build) in a fresh process and computes the ratios', async () => {
    const result = await measureColdStart({
      directory: join(SCRATCH, 'cold-start'),
      runs: 1,
      baseline: RULE_BUNDLE,
    });
    expect(result.variants.map((figures) => figures.variant)).toEqual([...BUNDLE_VARIANTS]);
    for (const figures of [...result.variants, result.baseline]) {
      expect(figures?.bytes).toBeGreaterThan(0);
      expect(figures?.loadMs.runs).toBe(1);
      expect(figures?.loadMs.median).toBeGreaterThan(0);
      expect(figures?.rssBytes.median).toBeGreaterThan(result.baselineRssBytes.median / 2);
    }
    // Only the steps that bundle modules apart have files beside index.js.
    const apart = Object.fromEntries(
      result.variants.map((figures) => [figures.variant.id, figures.lazyBytes > 0]),
    );
    expect(apart).toMatchObject({ 'esbuild-default': false, 'schema-keys-inlined': false, ours: true });
    expect(result.shipped?.identicalToOurs).toBe(true);
    const ratios = coldStartRatios(result);
    for (const value of Object.values(ratios)) expect(Number.isFinite(value) && value > 0).toBe(true);
    expect(ratios.versusBaseline).toBeDefined();
    expect(coldStartTargets(result)).toHaveLength(1);
    expect(reportColdStart(result)).toMatch(/ours loads .*x faster than the esbuild default/);
    expect(reportColdStart(result)).toMatch(/faster than the baseline build/);
  });
});

describe('change events', () => {
  it('attributes every call of one child process to the event that made it', async () => {
    const figures = await measureChangeEvents();
    expect(figures.map((figure) => figure.target)).toEqual(['cold', 'warm', undefined]);
    for (const figure of figures) {
      expect(figure.ok).toBe(true);
      expect(figure.putEvaluations).toBe(1);
      expect(figure.calls).toBe(sum(figure.callsByOperation));
      expect(figure.ec2Lookups).toBeLessThanOrEqual(figure.calls - 1);
    }
    expect(figures[0]?.ec2Lookups).toBeGreaterThan(0);
    expect(changeEventTargets(figures)).toHaveLength(2);
    expect(reportChangeEvents(figures)).toContain('cold (first event after init)');
  });

  it('splits a request log after each event’s own PutEvaluations, and refuses what it cannot attribute', () => {
    const request = (operation: string, resourceId?: string): LoggedRequest => ({
      sequence: 0,
      service: 'any',
      operation,
      input: resourceId ? { Evaluations: [{ ComplianceResourceId: resourceId }] } : {},
      statusCode: 200,
      injected: false,
    });
    const log = [
      request('DescribeSubnets'),
      request('PutEvaluations', 'a'),
      request('PutEvaluations', 'a'),
      request('PutEvaluations', 'b'),
    ];
    expect(splitByEvent(log, ['a', 'b']).map((calls) => calls.length)).toEqual([3, 1]);
    expect(() => splitByEvent(log, ['b', 'a'])).toThrow(/no PutEvaluations for a/);
    expect(() => splitByEvent(log, ['a', 'a'])).toThrow(/distinct/);
  });
});

describe('sweep scale', () => {
  it('plans each size’s cases without duplicates', () => {
    const cases = casesBySize(FULL_SWEEP_PLAN);
    expect([...cases.keys()]).toEqual([100, 1_000, 10_000]);
    expect(cases.get(100)).toHaveLength(2);
    expect(cases.get(1_000)).toHaveLength(5);
    expect(cases.get(10_000)).toEqual([
      { notebooks: 10_000 },
      { notebooks: 10_000, lambdaMemoryMb: 128 },
      { notebooks: 10_000, lambdaMemoryMb: 128, importFindings: true },
    ]);
  });

  it('counts calls, memory and wall time of tiny sweeps and derives speed-ups and growth', async () => {
    const plan: SweepPlan = {
      latencyMs: 1,
      rounds: 1,
      sizes: [10, 30],
      sequentialSizes: [10],
      concurrency: { notebooks: 10, levels: [1, 4] },
      lambdaMemory: { notebooks: 30, memoryMb: 128 },
      importFindings: true,
      baseline: RULE_BUNDLE,
    };
    const result = await measureSweepScale(plan);
    // 6 cases, and the baseline build beside dist/rule in 3 of them.
    expect(result.figures).toHaveLength(9);
    for (const figures of result.figures) {
      const [sample] = figures.samples;
      expect(sample?.callsByOperation.DescribeNotebookInstance).toBe(figures.sweepCase.notebooks);
      expect(sample?.calls).toBe(sum(sample?.callsByOperation ?? {}));
      expect(figures.peakRssBytes.median).toBeGreaterThan(0);
      expect(figures.peakHeapUsedBytes.median).toBeGreaterThan(0);
      expect(figures.peakHeapUsedBytes.median).toBeLessThan(figures.peakRssBytes.median);
      expect(figures.cpuMs.median).toBeGreaterThan(0);
    }
    expect(figuresFor(result, { notebooks: 10, concurrency: 4 }).samples).toHaveLength(1);
    expect(Number.isFinite(speedUpOverSequential(result, 10))).toBe(true);
    // The floor is the calls one after another at the fake's latency.
    const atTen = figuresFor(result, { notebooks: 10 });
    expect(sequentialFloorMs(result, { notebooks: 10 })).toBe(atTen.calls.median * plan.latencyMs);
    expect(speedUpOverFloor(result, { notebooks: 10 })).toBeCloseTo(
      (atTen.calls.median * plan.latencyMs) / atTen.durationMs.median,
    );
    const [first, second] = callGrowth(result);
    expect(first?.marginalCallsPerNotebook).toBeUndefined();
    expect(second?.marginalCallsPerNotebook).toBeGreaterThan(0);
    const findings = findingsImportFigures(result);
    // 30 notebooks and 1 vanished: one PutEvaluations and one BatchImportFindings, nothing else extra.
    expect(findings).toMatchObject({ batchImportFindings: 1, putEvaluations: 1, extraCalls: 1 });
    expect(findings?.off.samples[0]?.callsByOperation.BatchImportFindings).toBeUndefined();
    const targets = sweepTargets(result);
    expect(targets.map((target) => target.target)).toEqual([
      expect.stringContaining('its sequential floor'),
      expect.stringContaining('findings imported: peak RSS'),
      expect.stringContaining('findings off: peak RSS'),
      expect.stringContaining('linearly'),
      expect.stringContaining('⌈N/100⌉ extra calls'),
    ]);
    expect(targets[4]?.met).toBe(true);
    expect(targets[0]?.measured).toContain('baseline build');
    const report = reportSweepScale(result);
    expect(report).toContain('Effect of SWEEP_CONCURRENCY at 10 notebooks');
    expect(report).toContain('Security Hub findings (SECURITY_HUB_FINDINGS) at 30 notebooks');
    expect(report).toContain('Before and after: the baseline build');
    expect(cpuBoundFloorMs(128, 128)).toBe(1769);
    expect(cpuBoundFloorMs(100, 4096)).toBe(100);
  });
});

describe('rate-limited sweep', () => {
  it('counts the calls each service accepted and throttled, and the share of the allowed rate used', async () => {
    const plan: RateLimitPlan = {
      notebooks: 30,
      rateLimit: { callsPerSecond: 200, burst: 5 },
      latencyMs: 1,
      rounds: 1,
      baseline: RULE_BUNDLE,
    };
    const result = await measureRateLimited(plan);
    expect(result.figures.map((figures) => figures.build)).toEqual(['dist/rule', 'baseline']);
    for (const figures of result.figures) {
      const [sample] = figures.samples;
      if (!sample) throw new Error('no sample');
      expect(figures.busiest).toBe('sagemaker');
      const accepted = Object.values(sample.acceptedByService).reduce((a, b) => a + b, 0);
      const throttled = Object.values(sample.throttledByService).reduce((a, b) => a + b, 0);
      expect(accepted + throttled).toBe(sample.calls);
      expect(throttled).toBe(figures.throttled.median);
      // SageMaker's calls: 1 listing page, 30 describes, a ListTags per NON_COMPLIANT notebook (its owner),
      // and the attempts its bucket refused.
      const sagemaker = sample.acceptedByService.sagemaker ?? 0;
      const {
        ListNotebookInstances = 0,
        DescribeNotebookInstance = 0,
        ListTags = 0,
      } = sample.callsByOperation;
      expect(sagemaker + (sample.throttledByService.sagemaker ?? 0)).toBe(
        ListNotebookInstances + DescribeNotebookInstance + ListTags,
      );
      expect(sagemaker).toBeGreaterThanOrEqual(31);
      expect(figures.usedShare.median).toBeCloseTo((((sagemaker - 5) / 200) * 1000) / sample.durationMs);
    }
    expect(rateLimitTargets(result)).toHaveLength(1);
    expect(reportRateLimited(result)).toContain('share of the allowed rate');
  });
});

withBoto3.describe('runbook', () => {
  it('breaks the happy path’s simulated time and calls down into phases that add up', async () => {
    const figures = await measureRunbookHappyPath(pythonFor('boto3'));
    expect(figures.phases.map((phase) => phase.name)).toEqual(PHASES.map((phase) => phase.name));
    expect(figures.phases.reduce((total, phase) => total + phase.simulatedSeconds, 0)).toBe(
      figures.simulatedSeconds,
    );
    expect(figures.phases.reduce((total, phase) => total + phase.calls, 0)).toBe(figures.calls);
    expect(sum(figures.callsByApi)).toBe(figures.calls);
    for (const phase of figures.phases) expect(phase.simulatedSeconds).toBeGreaterThan(0);
    expect(figures.callsByApi['sagemaker:CreateNotebookInstance']).toBe(1);
    expect(reportRunbook(figures)).toContain('Calls per API and phase');
  });
});
