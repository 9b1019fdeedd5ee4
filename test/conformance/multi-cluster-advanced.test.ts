/**
 * Multi-cluster variants of the advanced features, through the whole local stack (two embedded clusters,
 * real processes): retries and exit handlers of a step that runs in cluster `other`, outputs (result
 * and an output parameter) produced in `other` and consumed in `main`, a WorkflowTemplate reached by
 * templateRef, and podGC deleting pods in the cluster they ran in.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import { adminClient, podsOf } from '../integration/pipeline/helpers.ts';

const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');
const byName = (wf: Workflow, suffix: string): NodeStatus => {
  const n = Object.values(wf.status?.nodes ?? {}).find((x) => x.name === `${wf.metadata.name}${suffix}`);
  assert.ok(n, `node ${wf.metadata.name}${suffix}`);
  return n;
};
const byNamePhase = (wf: Workflow, suffix: string): string | undefined =>
  Object.values(wf.status?.nodes ?? {}).find((x) => x.name === `${wf.metadata.name}${suffix}`)?.phase;
const REMOTE = `clusterName: other
    namespace: argo
    serviceAccountName: workflow`;

let stack: LocalStack;
before(async () => {
  stack = await startLocalStack({ resyncIntervalMs: 2000 });
});
after(async () => {
  await stack?.stop();
});

async function run(yaml: string): Promise<Workflow> {
  const s = await stack.submit(parse(yaml));
  return stack.waitFor('argo', s.metadata.name ?? '', done, 60_000);
}

describe('advanced features across clusters', () => {
  test('retries and exit handlers of a step in cluster other', async () => {
    const wf = await run(`
metadata: {generateName: mc-retry-}
spec:
  entrypoint: main
  onExit: bye
  templates:
  - name: main
    steps:
    - - {name: flaky, template: flaky, onExit: cleanup}
  - name: flaky
    ${REMOTE}
    retryStrategy: {limit: 3}
    container: {image: alpine, command: [sh, -c, 'test {{retries}} -ge 2']}
  - name: cleanup
    ${REMOTE}
    container: {image: alpine, command: [echo, cleanup]}
  - name: bye
    ${REMOTE}
    container: {image: alpine, command: [echo, bye]}
`);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const retry = byName(wf, '[0].flaky');
    assert.equal(retry.type, 'Retry');
    const attempts = (retry.children ?? [])
      .map((id) => wf.status?.nodes?.[id] as NodeStatus)
      .filter((n) => /\(\d+\)$/.test(n.name));
    assert.deepEqual(
      attempts.map((n) => n.phase),
      ['Failed', 'Failed', 'Succeeded'],
    );
    for (const n of attempts) assert.equal(n.clusterName, 'other');
    assert.equal(byName(wf, '[0].flaky.onExit').phase, 'Succeeded');
    assert.equal(byName(wf, '.onExit').phase, 'Succeeded');
    const pods = await podsOf(stack, wf.metadata.name ?? '');
    assert.equal(pods.filter((p) => p.cluster === 'other').length, 5, '3 attempts + 2 exit handlers in other');
    assert.ok(pods.filter((p) => p.pod.metadata.labels?.['workflows.argoproj.io/on-exit'] === 'true').length === 2);
  });

  test('outputs produced in other (result and a parameter) are consumed in main', async () => {
    const wf = await run(`
metadata: {generateName: mc-outputs-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: gen, template: gen}
      - name: use
        template: use
        depends: gen
        arguments:
          parameters:
          - {name: r, value: "{{tasks.gen.outputs.result}}"}
          - {name: p, value: "{{tasks.gen.outputs.parameters.p}}"}
  - name: gen
    ${REMOTE}
    script:
      image: python:alpine3.23
      command: [python]
      source: |
        open('/tmp/p', 'w').write('from-file\\n')
        print('from-stdout')
    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}]}
  - name: use
    inputs: {parameters: [{name: r}, {name: p}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.r}}/{{inputs.parameters.p}}"]}
`);
    assert.equal(wf.status?.phase, 'Succeeded', JSON.stringify(wf.status?.nodes));
    const gen = byName(wf, '.gen');
    assert.equal(gen.clusterName, 'other');
    assert.equal(gen.outputs?.result, 'from-stdout');
    assert.equal(gen.outputs?.parameters?.[0]?.value, 'from-file');
    const use = byName(wf, '.use');
    assert.equal(use.clusterName, undefined, 'runs in main');
    assert.deepEqual(
      use.inputs?.parameters?.map((p) => p.value),
      ['from-stdout', 'from-file'],
    );
  });

  test('argosay:v2 without command: output parameter and result through its entrypoint, in other', async () => {
    const wf = await run(`
metadata: {generateName: mc-argosay-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen}
    - - {name: say, template: say}
    - - name: use
        template: use
        arguments: {parameters: [{name: v, value: "{{steps.gen.outputs.parameters.out}}+{{steps.say.outputs.result}}"}]}
  - name: gen
    ${REMOTE}
    container: {image: argoproj/argosay:v2, args: [echo, from-argosay, /tmp/out]}
    outputs: {parameters: [{name: out, valueFrom: {path: /tmp/out}}]}
  - name: say
    ${REMOTE}
    container: {image: argoproj/argosay:v2, args: [echo, said]}
  - name: use
    inputs: {parameters: [{name: v}]}
    container: {image: argoproj/argosay:v2, args: [echo, "{{inputs.parameters.v}}"]}
`);
    assert.equal(wf.status?.phase, 'Succeeded', JSON.stringify(wf.status?.nodes));
    assert.equal(byName(wf, '[2].use').inputs?.parameters?.[0]?.value, 'from-argosay+said');
  });

  test('an output parameter over the 4 KiB termination message travels through the log', async () => {
    const wf = await run(`
metadata: {generateName: mc-bigout-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen}
    - - {name: use, template: use, arguments: {parameters: [{name: v, value: "{{steps.gen.outputs.parameters.big}}"}]}}
  - name: gen
    ${REMOTE}
    container: {image: python:alpine3.23, command: [python, -c, "open('/tmp/big','w').write('z'*10000)"]}
    outputs: {parameters: [{name: big, valueFrom: {path: /tmp/big}}]}
  - name: use
    inputs: {parameters: [{name: v}]}
    container: {image: alpine, command: [sh, -c, 'test \${#0} -eq 10000', "{{inputs.parameters.v}}"]}
`);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    assert.equal(byName(wf, '[0].gen').outputs?.parameters?.[0]?.value, 'z'.repeat(10000));
  });

  test('templateRef to a WorkflowTemplate and a ClusterWorkflowTemplate; a missing one errors like Argo', async () => {
    const client = adminClient(stack, 'main');
    try {
      const base = '/apis/argoproj.io/v1alpha1';
      const body = (kind: string, name: string) => ({
        apiVersion: 'argoproj.io/v1alpha1',
        kind,
        metadata: { name },
        spec: {
          templates: [
            {
              name: 'say',
              ...(kind === 'WorkflowTemplate' ? { clusterName: 'other', namespace: 'argo' } : {}),
              container: { image: 'alpine', command: ['echo', kind] },
            },
          ],
        },
      });
      await client.request({
        method: 'POST',
        path: `${base}/namespaces/argo/workflowtemplates`,
        body: body('WorkflowTemplate', 'lib'),
      });
      await client.request({
        method: 'POST',
        path: `${base}/clusterworkflowtemplates`,
        body: body('ClusterWorkflowTemplate', 'clib'),
      });
    } finally {
      client.close();
    }
    const wf = await run(`
metadata: {generateName: mc-ref-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: ns, templateRef: {name: lib, template: say}}
      - {name: cluster, templateRef: {name: clib, template: say, clusterScope: true}}
`);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    assert.equal(byName(wf, '[0].ns').clusterName, 'other');
    // As Argo's initializeNode: a templateRef'd node records templateRef, not templateName.
    assert.deepEqual(byName(wf, '[0].ns').templateRef, { name: 'lib', template: 'say' });
    assert.equal(byName(wf, '[0].ns').templateName, undefined);
    const missing = await run(`
metadata: {generateName: mc-ref-missing-}
spec:
  workflowTemplateRef: {name: nope}
`);
    assert.equal(missing.status?.phase, 'Error');
    assert.equal(missing.status?.message, 'workflowtemplates.argoproj.io "nope" not found');
  });

  test('workflowTemplateRef to a template that itself uses templateRef (references followed)', async () => {
    const client = adminClient(stack, 'main');
    try {
      await client.request({
        method: 'POST',
        path: '/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtemplates',
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'WorkflowTemplate',
          metadata: { name: 'leaf' },
          spec: {
            templates: [
              {
                name: 'say',
                clusterName: 'other',
                namespace: 'argo',
                container: { image: 'alpine', command: ['echo'] },
              },
            ],
          },
        },
      });
      await client.request({
        method: 'POST',
        path: '/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtemplates',
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'WorkflowTemplate',
          metadata: { name: 'outer' },
          spec: {
            entrypoint: 'wrap',
            arguments: { parameters: [{ name: 'who', value: 'template' }] },
            templates: [{ name: 'wrap', steps: [[{ name: 'inner', templateRef: { name: 'leaf', template: 'say' } }]] }],
          },
        },
      });
    } finally {
      client.close();
    }
    const wf = await run(`
metadata: {generateName: mc-wtref-}
spec:
  workflowTemplateRef: {name: outer}
`);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    assert.equal(byName(wf, '[0].inner').clusterName, 'other');
  });

  test('podGC OnPodSuccess deletes the pods where they ran', async () => {
    const wf = await run(`
metadata: {generateName: mc-gc-}
spec:
  entrypoint: main
  podGC: {strategy: OnPodSuccess}
  templates:
  - name: main
    steps:
    - - {name: here, template: here}
      - {name: there, template: there}
  - name: here
    container: {image: alpine, command: ['true']}
  - name: there
    ${REMOTE}
    container: {image: alpine, command: ['true']}
`);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const deadline = Date.now() + 10_000;
    let left = await podsOf(stack, wf.metadata.name ?? '');
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      left = await podsOf(stack, wf.metadata.name ?? '');
    }
    assert.deepEqual(
      left.map((p) => `${p.cluster}/${p.pod.metadata.name}`),
      [],
    );
  });

  for (const strategy of ['Stop', 'Terminate'] as const) {
    test(`spec.shutdown ${strategy}: the pod in other is deleted; exit handlers ${strategy === 'Stop' ? 'run' : 'do not run'}`, async () => {
      const s = await stack.submit(
        parse(`
metadata: {generateName: mc-${strategy.toLowerCase()}-}
spec:
  entrypoint: main
  onExit: bye
  templates:
  - name: main
    steps:
    - - {name: long, template: long}
  - name: long
    ${REMOTE}
    container: {image: alpine, command: [sleep, '3600']}
  - name: bye
    ${REMOTE}
    container: {image: alpine, command: [echo, bye]}
`),
      );
      const name = s.metadata.name ?? '';
      await stack.waitFor('argo', name, (w) => byNamePhase(w, '[0].long') === 'Running', 30_000);
      const client = adminClient(stack, 'main');
      try {
        await client.request({
          method: 'PATCH',
          path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
          contentType: 'application/merge-patch+json',
          body: { spec: { shutdown: strategy } },
        });
      } finally {
        client.close();
      }
      const wf = await stack.waitFor('argo', name, done, 30_000);
      assert.equal(wf.status?.phase, 'Failed');
      assert.equal(wf.status?.message, `Stopped with strategy '${strategy}'`);
      assert.equal(byName(wf, '[0].long').message, `Stopped with strategy '${strategy}'`);
      const exit = Object.values(wf.status?.nodes ?? {}).find((n) => n.name === `${name}.onExit`);
      if (strategy === 'Stop') assert.equal(exit?.phase, 'Succeeded');
      else {
        assert.notEqual(exit?.phase, 'Succeeded', 'never ran');
        const exitPods = (await podsOf(stack, name)).filter(
          (p) => p.pod.metadata.labels?.['workflows.argoproj.io/on-exit'] === 'true',
        );
        assert.deepEqual(exitPods, [], 'no exit-handler pod was created');
      }
      const deadline = Date.now() + 10_000;
      const running = async () =>
        (await podsOf(stack, name)).filter((p) => p.pod.spec.containers[0]?.command?.includes('3600'));
      while ((await running()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(await running(), [], 'the sleeping pod is gone from cluster other');
    });
  }
});
