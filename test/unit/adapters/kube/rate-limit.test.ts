import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenBucket, DEFAULT_BURST } from '../../../../src/adapters/kube/rate-limit.ts';

const settled = async (p: Promise<void>) => {
  const sentinel = Symbol('pending');
  return (await Promise.race([p.then(() => 'done'), Promise.resolve().then(() => sentinel)])) !== sentinel;
};

describe('token bucket', () => {
  test('burst passes at once, then requests wait for refill (fake clock)', async () => {
    let now = 0;
    const bucket = createTokenBucket(10, 3, () => now);
    for (let i = 0; i < 3; i++) assert.ok(await settled(bucket.take()), `token ${i}`);
    const ac = new AbortController();
    const waiting = bucket.take(ac.signal);
    assert.equal(await settled(waiting), false, 'fourth waits');
    ac.abort();
    await assert.rejects(waiting);
    now += 100; // one token at 10 QPS
    assert.ok(await settled(bucket.take()));
  });

  test('QPS 0 means the controller defaults (burst 30)', async () => {
    const bucket = createTokenBucket(0, 0, () => 0);
    for (let i = 0; i < DEFAULT_BURST; i++) assert.ok(await settled(bucket.take()));
    const ac = new AbortController();
    const p = bucket.take(ac.signal);
    assert.equal(await settled(p), false);
    ac.abort();
    await assert.rejects(p);
  });
});
