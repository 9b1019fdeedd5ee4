// The reconcile function dying at every distinct point between reading and writing, over the real
// pipeline (SQS redelivery after the failed record's backoff, no resync): after a pod create,
// between two pod creates of one decision, just before the status write, and just after it (before
// events and the timed wake-up). Each crash point fires once per stored workflow version, so every
// step of the workflow crashes there once. test/integration/pipeline/faults.test.ts proves pod
// adoption (same uid) for the first of these; here every point must keep the invariants.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action } from '../../src/engine/contract.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { InjectedCrashError } from '../../src/runtime/errors.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { assertClean, captureLog, diamond, faultStack, prefixOf, runToEnd, type CapturedLog } from './helpers.ts';

type Point = 'after-create' | 'between-creates' | 'before-status' | 'after-status';
const crashed = new Map<Point, number>();
const seen = new Set<string>();

/** Crash once per (point, workflow, resourceVersion or pod). */
function crashOnce(point: Point, key: string): void {
  if (seen.has(`${point}|${key}`)) return;
  seen.add(`${point}|${key}`);
  crashed.set(point, (crashed.get(point) ?? 0) + 1);
  throw new InjectedCrashError(`injected crash: ${point}`);
}

const workflowOf = (a: Action) =>
  a.kind === 'CreatePod' ? (a.pod.metadata.labels?.['workflows.argoproj.io/workflow'] ?? '') : '';

describe('reconcile crashes at every point between read and write', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  let creates = 0;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, {
      maxReceiveCount: 20,
      hooks: {
        afterAction: (a: Action) => {
          const wf = workflowOf(a);
          const p = prefixOf(wf);
          if (a.kind !== 'CreatePod') return;
          creates++;
          if (p === 'after-create') crashOnce('after-create', a.pod.metadata.name!);
          // The first create of a multi-create decision dies; its sibling may or may not be created.
          if (
            p === 'between-creates' &&
            (a.pod.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '').endsWith('.b')
          )
            crashOnce('between-creates', a.pod.metadata.name!);
        },
        beforeStatusWrite: (wf: Workflow) => {
          if (prefixOf(wf.metadata.name!) === 'before-status')
            crashOnce('before-status', `${wf.metadata.name}@${wf.metadata.resourceVersion}`);
        },
        afterStatusWrite: (wf: Workflow) => {
          if (prefixOf(wf.metadata.name!) === 'after-status')
            crashOnce('after-status', `${wf.metadata.name}@${wf.metadata.resourceVersion}`);
        },
      },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  for (const point of ['after-create', 'between-creates', 'before-status', 'after-status'] as const) {
    test(`crash ${point}: retried by SQS, no workflow lost, no duplicate pod`, async () => {
      const wf = await runToEnd(stack, diamond(point), 60_000);
      assert.ok((crashed.get(point) ?? 0) >= 1, `crashed at ${point}`);
      await assertClean(stack, wf);
      assert.equal(Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod').length, 4);
      // The trace: each crash is logged as a retried failure naming the workflow.
      const traced = log
        .find(/reconcile failed; the message will be retried/)
        .filter((r) => r.workflow === wf.metadata.name && JSON.stringify(r.error).includes(point));
      // (Two crashes in one apply are one failed attempt: apply reports the first error.)
      assert.ok(traced.length >= 1 && traced.length <= crashed.get(point)!, 'the crashes are in the log');
    });
  }

  test('crashes happened at every step, not only the first', () => {
    assert.ok((crashed.get('before-status') ?? 0) >= 3, `before-status crashes: ${crashed.get('before-status')}`);
    assert.ok((crashed.get('after-status') ?? 0) >= 3, `after-status crashes: ${crashed.get('after-status')}`);
    assert.ok((crashed.get('after-create') ?? 0) === 4, 'one crash after each of the four pod creates');
    assert.ok(creates > 0);
  });
});
