// Pure helpers of the benchmarks: percentiles, summaries, pricing maths, the size search and the
// metafile breakdown. No timing assertions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile, round, summarize } from '../../../bench/baseline.ts';
import { breakEven, costReport, priceOf, PRICES } from '../../../bench/cost.ts';
import { largest } from '../../../bench/size.ts';
import { bytesByPackage } from '../../../bench/bundles.ts';
import { serialRoundTrips } from '../../../bench/network.ts';

describe('percentile', () => {
  test('nearest rank: every figure is a measured value', () => {
    const xs = [5, 1, 4, 2, 3];
    assert.equal(percentile(xs, 50), 3);
    assert.equal(percentile(xs, 99), 5);
    assert.equal(percentile(xs, 0), 1);
    assert.equal(percentile(xs, 20), 1);
    assert.equal(percentile(xs, 21), 2);
    assert.equal(percentile([], 50), undefined);
  });
  test('p99 of 100 samples is the 99th smallest, not the maximum', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 99), 99);
    assert.equal(median(xs), 50);
  });
  test('summaries round and report the sample size; empty samples are NaN', () => {
    assert.deepEqual(summarize([1.234, 2.345, 9.999], 1), { n: 3, median: 2.3, p99: 10, min: 1.2, max: 10 });
    assert.ok(Number.isNaN(summarize([]).median));
    assert.equal(round(1.005 * 1000, 0), 1005);
  });
});

describe('pricing', () => {
  test('one million one-invocation steps at 0 ms cost the request prices only', () => {
    const p = priceOf({ invocations: 1e6, sqsRequests: 3e6, durationMs: 0, memoryMb: 512 });
    assert.equal(round(p.lambdaRequests, 6), 0.2);
    assert.equal(round(p.sqs, 6), 1.5);
    assert.equal(p.lambdaCompute, 0);
  });
  test('GB-seconds: 1,000 s at 512 MB is 500 GB-s', () => {
    const p = priceOf({ invocations: 0, sqsRequests: 0, durationMs: 1_000_000, memoryMb: 512 });
    assert.equal(round(p.lambdaCompute, 9), round(500 * PRICES.lambdaPerGbSecond, 9));
  });
  test('break-even volume and the report built on it', () => {
    assert.equal(breakEven(18, 0.000002), 9_000_000);
    assert.equal(breakEven(18, 0), Infinity);
    const r = costReport(
      { invocations: 2, sqsRequests: 6, durationMs: 40, memoryMb: 512 },
      { invocations: 3, sqsRequests: 9, durationMs: 60, memoryMb: 512 },
    );
    // 2 × 0.2 + 6 × 0.5 + 1e6 × 40 ms × 0.5 GB = 0.4 + 3 + 20,000 GB-s × 1.33334e-5
    assert.equal(r.perMillionSteps.total, round(0.4 + 3 + 20_000 * PRICES.lambdaPerGbSecond, 3));
    assert.deepEqual(r.alwaysOnMonthly, { low: 18, high: 72 });
    assert.equal(r.stepFunctionsPerMillionSteps, 25);
    assert.ok(r.breakEvenStepsPerMonth.low < r.breakEvenStepsPerMonth.high);
  });
});

describe('size search and bundle breakdown', () => {
  test('largest finds the last n that fits', () => {
    assert.equal(
      largest((n) => n * 402 <= 1024 * 1024, 20_000),
      Math.floor((1024 * 1024) / 402),
    );
    assert.equal(
      largest(() => false, 100),
      0,
    );
  });
  test('bytes by package, largest first, own code as (argosy)', () => {
    const meta = {
      outputs: {
        'x.mjs': {
          entryPoint: 'functions/reconcile/handler.ts',
          inputs: {
            'node_modules/zod/v4/core/a.js': { bytesInOutput: 300 },
            'node_modules/zod/v4/core/b.js': { bytesInOutput: 200 },
            'node_modules/@smithy/core/x.js': { bytesInOutput: 100 },
            'src/runtime/reconcile.ts': { bytesInOutput: 50 },
          },
        },
      },
    };
    assert.deepEqual(bytesByPackage(meta), [
      { pkg: 'zod', bytes: 500 },
      { pkg: '@smithy/core', bytes: 100 },
      { pkg: '(argosy)', bytes: 50 },
    ]);
  });
});

describe('serial round trips of a network model', () => {
  test('the figure over loopback in units of the model mean', () => {
    const cross = { name: 'cross-region', minMs: 20, maxMs: 60 };
    assert.equal(serialRoundTrips(203.4, 16.6, cross), 4.7);
    assert.equal(serialRoundTrips(16.6, 16.6, cross), 0);
    assert.equal(serialRoundTrips(50, 10, { name: 'loopback', minMs: 0, maxMs: 0 }), 0);
  });
});
