// argosy logs reads pod logs outside the token bucket, so it backs off itself when the API server's
// priority and fairness answers 429: wait Retry-After, try again, give up after client-go's 10 retries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApiError } from '../../../src/adapters/kube/errors.ts';
import type { KubeClient, KubeRequest } from '../../../src/ports/kube.ts';
import { LOG_RETRIES_ON_429, readLog, type PodRef } from '../../../src/cli/commands/logs.ts';
import { logRequest } from '../../../src/cli/commands/log-flags.ts';
import type { CliContext } from '../../../src/cli/lib/context.ts';
import type { Target } from '../../../src/cli/lib/kube-target.ts';

const ref = { pod: 'wf-work-1', cluster: 'main', namespace: 'argo', node: {} } as unknown as PodRef;
const tooMany = (retryAfterSeconds?: number) =>
  new KubeApiError({ statusCode: 429, cluster: 'main', verb: 'GET', path: '/log', retryAfterSeconds });

function setup(answers: (() => string)[]) {
  const sent: KubeRequest[] = [];
  const kube = {
    cluster: 'main',
    request: async (req: KubeRequest) => (sent.push(req), answers.shift()!()),
  } as unknown as KubeClient;
  const target = { clientFor: async () => kube } as unknown as Target;
  const ctx = { io: { err: () => {} } } as unknown as CliContext;
  const waits: number[] = [];
  const read = () => readLog(ctx, target, ref, logRequest({ container: 'main' }, false), async (ms) => waits.push(ms));
  return { sent, waits, read };
}

test('a 429 is waited out for its Retry-After (1 s without one), then read again, unthrottled', async () => {
  const { sent, waits, read } = setup([
    () => {
      throw tooMany(3);
    },
    () => {
      throw tooMany();
    },
    () => '2026-01-01T00:00:00Z hello\n',
  ]);
  assert.equal(await read(), '2026-01-01T00:00:00Z hello\n');
  assert.deepEqual(waits, [3000, 1000]);
  assert.equal(sent.length, 3);
  for (const req of sent) {
    assert.equal(req.throttle, false);
    assert.equal(req.query?.timestamps, true);
  }
});

test('after client-go retries a 429 ten times, the error ends the read', async () => {
  const { waits, read } = setup(
    Array.from({ length: LOG_RETRIES_ON_429 + 1 }, () => () => {
      throw tooMany(1);
    }),
  );
  await assert.rejects(read(), (e: unknown) => (e as KubeApiError).statusCode === 429);
  assert.equal(waits.length, LOG_RETRIES_ON_429);
});
