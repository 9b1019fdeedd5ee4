/**
 * Argo's retry examples whose outcome is random under Argo too — examples/retry-backoff.yaml,
 * examples/retry-on-error.yaml and test/e2e/functional/retry-script.yaml draw exit codes at random, so they
 * exhaust their retries now and then — run as is through `argosy submit --wait` on `argosy dev`. Each run
 * is checked against every result Argo allows for the draws it made: attempts `<name>(i)` one after the
 * other, every attempt but the last failed with its exit code, then either the last succeeded and the
 * workflow Succeeded, or the retry strategy's limit (or backoff.maxDuration) ended it Failed with Argo's
 * message. Whatever the draws, a wrong retry count, order, backoff or message fails the test.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NodeStatus } from '../../../src/engine/types.ts';
import { runCli, SHARED } from './cli-helpers.ts';
import { devForFile } from './dev-workflows.ts';

const dev = devForFile();
const { dir, workflow } = dev;

const seconds = (t: string | undefined) => Date.parse(t ?? '') / 1000;

/** Submits an upstream file, waits, and checks the run against Argo's rules; returns the attempts. */
async function runRandom(file: string, limit: number, exitCodes: RegExp): Promise<NodeStatus[]> {
  const sub = await runCli(['submit', join(SHARED, 'conformance/argo-upstream', file), '--wait', '-o', 'name'], dir);
  const name = sub.stdout.split('\n')[0] ?? '';
  assert.ok(name, sub.stderr + dev.output());
  const wf = await workflow(name);
  const nodes = wf.status?.nodes ?? {};
  const retry = nodes[name];
  assert.equal(retry?.type, 'Retry');
  const attempts = (retry.children ?? []).map((id) => nodes[id]!);
  assert.deepEqual(
    attempts.map((a) => a.name),
    attempts.map((_, i) => `${name}(${i})`),
  );
  assert.ok(attempts.length >= 1 && attempts.length <= limit + 1, `${attempts.length} attempts`);
  for (const [i, a] of attempts.entries()) {
    if (i > 0) assert.ok(seconds(a.startedAt) >= seconds(attempts[i - 1]!.finishedAt), 'one after the other');
    if (i < attempts.length - 1) {
      assert.equal(a.phase, 'Failed', JSON.stringify(a));
      assert.match(a.message ?? '', exitCodes);
      assert.equal(a.nodeFlag?.retried, true);
    }
  }
  const last = attempts.at(-1)!;
  if (last.phase === 'Succeeded') {
    assert.equal(wf.status?.phase, 'Succeeded');
    assert.equal(retry.phase, 'Succeeded');
  } else {
    assert.equal(last.phase, 'Failed', JSON.stringify(last));
    assert.match(last.message ?? '', exitCodes);
    assert.equal(wf.status?.phase, 'Failed');
    const why = ['No more retries left', 'Max duration limit exceeded', 'Backoff would exceed max duration limit'];
    assert.ok(why.includes(retry.message ?? ''), retry.message);
    if (retry.message === why[0]) assert.equal(attempts.length, limit + 1);
  }
  return attempts;
}

describe("Argo's random retry examples on argosy dev: a result Argo allows for the draws made", () => {
  test('retry-script (e2e functional): up to 11 attempts of bash `(( $RANDOM % 3 > 0 ))`', async () => {
    await runRandom('test__e2e__functional__retry-script.yaml', 10, /^main: Error \(exit code 1\)$/);
  });

  test('retry-on-error: retryPolicy Always, up to 3 attempts of exit codes 0-4', async () => {
    await runRandom('examples__retry-on-error.yaml', 2, /^main: Error \(exit code [1-4]\)$/);
  });

  test('retry-backoff: up to 11 attempts, each after its backoff (1 s doubling, cap 5 s)', async () => {
    const attempts = await runRandom('examples__retry-backoff.yaml', 10, /^main: Error \(exit code 1\)$/);
    for (let i = 1; i < attempts.length; i++) {
      const gap = seconds(attempts[i]!.startedAt) - seconds(attempts[i - 1]!.finishedAt);
      // Timestamps have whole seconds: the gap is at least the backoff less one.
      assert.ok(gap >= Math.min(2 ** (i - 1), 5) - 1, `attempt ${i} started ${gap} s after the previous one ended`);
    }
  });
});
