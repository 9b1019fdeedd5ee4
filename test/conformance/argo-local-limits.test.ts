/**
 * Memory limits on the local node (issue 13): Argo's oom-kill example (test/e2e/expectedfailures) ends
 * Failed as in Argo, its main container OOMKilled with exit code 137, because the local kubelet kills a
 * container whose processes hold more than `resources.limits.memory`; examples whose steps stay under
 * their limits (32Mi, 100Mi patched in) still Succeed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import { parseWorkflows } from '../../src/engine/index.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { SHARED } from '../integration/cli/cli-helpers.ts';
import { podsOf } from '../integration/pipeline/helpers.ts';

const DIR = join(SHARED, 'conformance/argo-upstream');
const load = (file: string): Workflow => parseWorkflows(readFileSync(join(DIR, file), 'utf8')).workflows[0] as Workflow;
const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

let stack: LocalStack;
before(async () => {
  stack = await startLocalStack({ clusters: ['main'], resyncIntervalMs: 2000 });
});
after(async () => {
  await stack?.stop();
});

const run = async (file: string): Promise<Workflow> => {
  const s = await stack.submit(load(file));
  return stack.waitFor('argo', s.metadata.name ?? '', done, 120_000);
};

describe('memory limits on the local node', () => {
  test('oom-kill.yaml → Failed: main OOMKilled (exit code 137), as in Argo', async () => {
    const wf = await run('test__e2e__expectedfailures__oom-kill.yaml');
    assert.equal(wf.status?.phase, 'Failed');
    const node = wf.status?.nodes?.[wf.metadata.name ?? ''];
    assert.equal(node?.phase, 'Failed');
    assert.equal(node?.message, 'main: OOMKilled (exit code 137)');
    const [p] = await podsOf(stack, wf.metadata.name ?? '', ['main']);
    const main = p?.pod.status?.containerStatuses?.find((c) => c.name === 'main');
    assert.deepEqual([main?.state?.terminated?.reason, main?.state?.terminated?.exitCode], ['OOMKilled', 137]);
  });

  for (const file of ['examples__dns-config.yaml', 'examples__pod-spec-yaml-patch.yaml']) {
    test(`${file}: a step under its memory limit still Succeeds`, async () => {
      const wf = await run(file);
      assert.equal(wf.status?.phase, 'Succeeded', JSON.stringify(wf.status?.nodes));
    });
  }
});
