// Issue 17's template vocabulary through the whole local stack (embedded API servers, process kubelet,
// fauxqs, watcher, reconcile and timer handlers, the RBAC infra/ installs): aggregated fan-out outputs,
// lifecycle hooks, template timeout, ttlStrategy deleting a finished workflow through the timer path, and
// memoization (the cache ConfigMap written under the controller RBAC infra/ installs, then hit).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { createConfigMap, getConfigMap, getWorkflow } from '../../../src/adapters/kube/resources.ts';
import { isNotFound } from '../../../src/adapters/kube/errors.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { adminClient, isDone, podsOf, until } from './helpers.ts';

const UPSTREAM = join(import.meta.dirname, '../../../../shared/conformance/argo-upstream');
const upstream = (file: string): Workflow => parse(readFileSync(join(UPSTREAM, file), 'utf8')) as Workflow;
const nodesOf = (wf: Workflow): Map<string, NodeStatus> =>
  new Map(Object.values(wf.status?.nodes ?? {}).map((n) => [n.name.slice(wf.metadata.name!.length), n]));
const brief = (wf: Workflow) => JSON.stringify([...nodesOf(wf)].map(([k, v]) => [k, v.phase, v.message]));

describe('template vocabulary on the local stack', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({ runtime: 'process', resyncIntervalMs: 5000, visibilityTimeoutSeconds: 2 });
  });
  after(async () => {
    await stack?.stop();
  });

  test('parameter-aggregation-dag-with-retry: the DAG output is the JSON list of the fan-out values', async () => {
    const created = await stack.submit(
      upstream('test__e2e__functional__parameter-aggregation-dag-with-retry.yaml'),
      'argo',
    );
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 90_000);
    assert.equal(wf.status?.phase, 'Succeeded', brief(wf));
    const root = nodesOf(wf).get('');
    assert.deepEqual(
      root?.outputs?.parameters?.map((p) => [p.name, p.value]),
      [['dummy-dag-output', '["1","2","3"]']],
    );
  });

  // The manifest judges this example Succeeded (Argo does not run it). By Argo's code a pod ended by its
  // deadline is Failed with the pod's message (inferFailedReason), so sleep1's continueOn.error does not
  // cover it and the group fails: Failed is what Argo's controller decides, and what this checks.
  test('step-level-timeout: each step is ended by its timeout (10s of a 30s sleep), Failed as Argo decides', async () => {
    const created = await stack.submit(upstream('examples__step-level-timeout.yaml'), 'argo');
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 120_000);
    assert.equal(wf.status?.phase, 'Failed', brief(wf));
    for (const s of ['sleep1', 'sleep2']) {
      const n = nodesOf(wf).get(`[0].${s}`);
      assert.equal(n?.type, 'Pod');
      assert.equal(n?.phase, 'Failed', s);
      assert.equal(n?.message, 'Pod was active on the node longer than the specified deadline', s);
    }
  });

  test('lifecycle hooks run as <step>.hooks.<name> and <wf>.hooks.<name> while the workflow runs', async () => {
    const wf0 = parse(`
metadata: {generateName: hooks-}
spec:
  entrypoint: main
  hooks:
    running: {expression: workflow.status == "Running", template: note}
  templates:
  - name: main
    steps:
    - - name: step-1
        template: echo
        hooks:
          success: {expression: 'steps["step-1"].status == "Succeeded"', template: note}
  - name: echo
    container: {image: alpine, command: [sh, -c, "echo hi"]}
  - name: note
    container: {image: alpine, command: [sh, -c, "echo hook"]}
`) as Workflow;
    const created = await stack.submit(wf0, 'argo');
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 90_000);
    assert.equal(wf.status?.phase, 'Succeeded', brief(wf));
    const n = nodesOf(wf);
    for (const name of ['.hooks.running', '[0].step-1.hooks.success']) {
      assert.equal(n.get(name)?.phase, 'Succeeded', `${name}: ${brief(wf)}`);
      assert.deepEqual(n.get(name)?.nodeFlag, { hooked: true });
    }
  });

  test('gc-ttl: the finished workflow is deleted after secondsAfterSuccess', async () => {
    const created = await stack.submit(upstream('examples__gc-ttl.yaml'), 'argo');
    const name = created.metadata.name!;
    const wf = await stack.waitFor('argo', name, isDone, 60_000);
    assert.equal(wf.status?.phase, 'Succeeded', brief(wf));
    const admin = adminClient(stack, 'main');
    try {
      await until(
        async () => {
          try {
            await getWorkflow(admin, 'argo', name);
            return false;
          } catch (e) {
            if (isNotFound(e)) return true;
            throw e;
          }
        },
        60_000,
        `workflow ${name} deleted by its ttlStrategy`,
      );
    } finally {
      admin.close();
    }
  });

  test('memoize-simple: the first run saves its outputs in a labelled cache ConfigMap, the second is served from it', async () => {
    const first = await stack.submit(upstream('examples__memoize-simple.yaml'), 'argo');
    const wf1 = await stack.waitFor('argo', first.metadata.name!, isDone, 60_000);
    assert.equal(wf1.status?.phase, 'Succeeded', brief(wf1));
    const n1 = nodesOf(wf1).get('');
    assert.deepEqual(n1?.memoizationStatus, { hit: false, key: 'cache-key', cacheName: 'cache-config' });
    const admin = adminClient(stack, 'main');
    try {
      const cm = await getConfigMap(admin, 'argo', 'cache-config');
      assert.equal(cm.metadata.labels?.['workflows.argoproj.io/configmap-type'], 'Cache');
      const entry = JSON.parse(cm.data?.['cache-key'] ?? '{}');
      assert.equal(entry.nodeID, n1?.id);
      assert.deepEqual(entry.outputs, n1?.outputs);
      const second = await stack.submit(upstream('examples__memoize-simple.yaml'), 'argo');
      const wf2 = await stack.waitFor('argo', second.metadata.name!, isDone, 60_000);
      assert.equal(wf2.status?.phase, 'Succeeded', brief(wf2));
      const n2 = nodesOf(wf2).get('');
      assert.equal(n2?.memoizationStatus?.hit, true, brief(wf2));
      assert.deepEqual(n2?.outputs, n1?.outputs);
      assert.deepEqual(await podsOf(stack, wf2.metadata.name!, ['main']), [], 'a hit runs no pod');

      // A ConfigMap that is not a cache is never written: the node ends Error in Argo's words.
      await createConfigMap(admin, 'argo', { metadata: { name: 'not-a-cache' }, data: { keep: 'me' } });
      const wf0 = upstream('examples__memoize-simple.yaml');
      (wf0.spec.templates![0]!.memoize as { cache: { configMap: { name: string } } }).cache.configMap.name =
        'not-a-cache';
      const third = await stack.submit(wf0, 'argo');
      const wf3 = await stack.waitFor('argo', third.metadata.name!, isDone, 60_000);
      assert.equal(wf3.status?.phase, 'Error', brief(wf3));
      assert.equal(
        nodesOf(wf3).get('')?.message,
        "memoization configmap doesn't have workflows.argoproj.io/configmap-type label, refusing to use it",
      );
      assert.deepEqual((await getConfigMap(admin, 'argo', 'not-a-cache')).data, { keep: 'me' });
    } finally {
      admin.close();
    }
  });
});
