// The runtime side of outputs.result (src/runtime/result-logs.ts): which pods get their main log read, the
// 256 KiB tail, and logs that cannot be read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObservedPod } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import type { ClusterRegistry, KubeClient, KubeRequest } from '../../../src/ports/kube.ts';
import { KubeApiError } from '../../../src/adapters/kube/errors.ts';
import { readLogTail, withMainLogs } from '../../../src/runtime/result-logs.ts';
import { wfFromYaml } from '../engine/fixtures.ts';

function fakeClient(log: string | Error, calls: KubeRequest[]): KubeClient {
  return {
    cluster: 'other',
    async request<T>(req: KubeRequest): Promise<T> {
      calls.push(req);
      if (log instanceof Error) throw log;
      const limit = Number(req.query?.limitBytes ?? Infinity);
      return log.slice(0, limit) as T;
    },
    async stream(req, onChunk) {
      calls.push(req);
      if (log instanceof Error) throw log;
      for (let i = 0; i < log.length; i += 10_000) onChunk(log.slice(i, i + 10_000));
    },
    async watch() {},
  };
}
function registry(client: KubeClient): ClusterRegistry {
  return {
    mainCluster: 'main',
    clientFor: async () => client,
    mainClient: () => client,
    targets: async () => [],
    describeTarget: () => ({ key: 'x' }),
    clusterFacts: async () => [{ name: 'main', labels: {} }],
    refresh: async () => {},
  };
}

const wf: Workflow = {
  ...wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen}
    - - {name: use, template: gen, arguments: {parameters: [{name: x, value: "{{steps.gen.outputs.result}}"}]}}
  - name: gen
    container: {image: alpine, command: [echo, hi]}
`),
};
const genId = 'wf-gen';
wf.status = {
  phase: 'Running',
  nodes: {
    wf: { id: 'wf', name: 'wf', type: 'Steps', templateName: 'main', phase: 'Running' },
    [genId]: { id: genId, name: 'wf[0].gen', displayName: 'gen', type: 'Pod', boundaryID: 'wf', phase: 'Running' },
  },
};
const pod = (phase: 'Running' | 'Succeeded'): ObservedPod => ({
  cluster: 'other',
  namespace: 'argo',
  pod: {
    metadata: { name: 'wf-gen-1', annotations: { 'workflows.argoproj.io/node-id': genId } },
    spec: { containers: [{ name: 'main' }] },
    status: { phase },
  },
});

describe('main logs for outputs.result', () => {
  test('read once the pod completed, in the pod cluster, container main', async () => {
    const calls: KubeRequest[] = [];
    const [running] = await withMainLogs(registry(fakeClient('x\n', calls)), wf, [pod('Running')], undefined);
    assert.equal(running?.mainLog, undefined);
    const [done] = await withMainLogs(registry(fakeClient('x\n', calls)), wf, [pod('Succeeded')], undefined);
    assert.equal(done?.mainLog, 'x\n');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.path, '/api/v1/namespaces/argo/pods/wf-gen-1/log');
    assert.equal(calls[0]?.query?.container, 'main');
  });
  test('not read when nothing references the result, or the node already holds it', async () => {
    const calls: KubeRequest[] = [];
    const unreferenced = { ...wf, spec: { ...wf.spec, templates: [{ name: 'main', steps: [] }] } } as Workflow;
    await withMainLogs(registry(fakeClient('x', calls)), unreferenced, [pod('Succeeded')], undefined);
    const held = structuredClone(wf);
    (held.status!.nodes![genId] as { outputs?: unknown }).outputs = { result: 'x' };
    await withMainLogs(registry(fakeClient('x', calls)), held, [pod('Succeeded')], undefined);
    assert.equal(calls.length, 0);
  });
  test('outputs documents too large for the termination message: the log is read even without a result reference', async () => {
    const calls: KubeRequest[] = [];
    const unreferenced = { ...wf, spec: { ...wf.spec, templates: [{ name: 'main', steps: [] }] } } as Workflow;
    const p = pod('Succeeded');
    p.pod.status = {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 0, message: '{"argosy":{"log":5000}}' } } }],
    };
    const [read] = await withMainLogs(registry(fakeClient('log', calls)), unreferenced, [p], undefined);
    assert.equal(read?.mainLog, 'log');
  });
  test('a long log keeps its last 256 KiB', async () => {
    const calls: KubeRequest[] = [];
    const log = 'a'.repeat(300 * 1024) + 'END';
    const tail = await readLogTail(fakeClient(log, calls), 'argo', 'p');
    assert.equal(Buffer.byteLength(tail), 256 * 1024);
    assert.ok(tail.endsWith('END'));
    assert.equal(calls.length, 2, 'one bounded read, then one stream');
  });
  test('a container that never started (400) or a pod gone (404): no log, no error', async () => {
    for (const statusCode of [400, 404]) {
      const err = new KubeApiError({
        statusCode,
        cluster: 'other',
        verb: 'get',
        path: '/x',
        message: 'waiting to start',
      });
      const [p] = await withMainLogs(registry(fakeClient(err, [])), wf, [pod('Succeeded')], undefined);
      assert.equal(p?.mainLog, undefined);
    }
  });
});
