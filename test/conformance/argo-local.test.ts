/**
 * Argo's own examples (argo-checks.ts) through the whole local stack: embedded API servers, kubelet
 * running real processes, SQS emulator, watcher and reconcile handler. Every case runs concurrently on
 * one in-process stack (startLocalStack) and checks the final phase, the node tree (types, phases,
 * shape) and Argo's messages (as its controller writes them). A few cases also run as `argosy run`
 * subprocesses, in argo-run.test.ts (a file of their own: each starts a stack for about 20 s).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { CHECKS, done, load, manifest } from './argo-checks.ts';

let stack: LocalStack;
before(async () => {
  stack = await startLocalStack({ resyncIntervalMs: 2000 });
});
after(async () => {
  await stack?.stop();
});

describe('Argo conformance through the local stack (in-process, all cases concurrently)', () => {
  const results = new Map<string, Promise<Workflow>>();
  const run = (file: string): Promise<Workflow> => {
    let p = results.get(file);
    if (!p) {
      p = stack.submit(load(file)).then((s) => stack.waitFor('argo', s.metadata.name ?? '', done, 150_000));
      results.set(file, p);
    }
    return p;
  };
  before(() => {
    // Start every case at once; each test below awaits its own.
    for (const c of manifest.cases) run(c.file).catch(() => undefined);
  });
  test('every manifest case has a check', () => {
    assert.deepEqual(
      manifest.cases.map((c) => c.file).filter((f) => !CHECKS[f]),
      [],
    );
  });
  for (const c of manifest.cases) {
    test(`${c.file} → ${c.phase}`, async () => {
      const wf = await run(c.file);
      const pods = Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod' && n.message);
      const why = pods.map((n) => `${n.displayName}: ${n.phase} ${n.message}`).join('; ');
      assert.equal(wf.status?.phase, c.phase, `${c.file}: ${wf.status?.message ?? ''} (${why})`);
      CHECKS[c.file]?.(wf);
    });
  }
});
