/**
 * Step-level memoization as Argo's controller does it (operator.go executeTemplate, cache/configmap_cache.go):
 * a miss runs and saves the outputs once, a hit creates the node Succeeded from the cache without a pod,
 * `maxAge` expires entries, and bad keys, entries or unlabelled ConfigMaps end the node Error in Argo's words.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Action, ObservedConfigMap } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { runWorkflow } from './kubelet-sim.ts';
import { wfFromYaml } from './fixtures.ts';

const memoized = (key = 'cache-key', maxAge = '') => `
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: a, template: world}
    - - {name: b, template: show, arguments: {parameters: [{name: v, value: "{{steps.a.outputs.parameters.hello}}"}]}}
  - name: world
    memoize:
      key: "${key}"
${maxAge ? `      maxAge: "${maxAge}"\n` : ''}      cache: {configMap: {name: cache-config}}
    container: {image: busybox, command: [sh, -c], args: ["echo world"]}
    outputs:
      parameters:
      - {name: hello, valueFrom: {path: /tmp/hello}}
  - name: show
    inputs: {parameters: [{name: v}]}
    container: {image: busybox, command: [echo, "{{inputs.parameters.v}}"]}
`;

const START = new Date('2026-01-02T15:04:05Z');
const nodeNamed = (wf: Workflow, name: string): NodeStatus =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === name) as NodeStatus;
const actionsOf = (decisions: { actions: Action[] }[], kind: Action['kind']) =>
  decisions.flatMap((d) => d.actions.filter((a) => a.kind === kind));

function cacheWith(
  entry: object,
  labels: Record<string, string> = { 'workflows.argoproj.io/configmap-type': 'Cache' },
) {
  const cm: ObservedConfigMap = { labels, data: { 'cache-key': JSON.stringify(entry) } };
  return { 'argo/cache-config': cm };
}

const cachedEntry = (createdAt: string) => ({
  nodeID: 'earlier-123',
  outputs: { parameters: [{ name: 'hello', value: 'different world', valueFrom: { path: '/tmp/hello' } }] },
  creationTimestamp: createdAt,
  lastHitTimestamp: createdAt,
});

describe('memoization', () => {
  test('a miss runs the step and saves its outputs once, under the key, in the workflow namespace', () => {
    const configMaps: Record<string, ObservedConfigMap> = {};
    const r = runWorkflow(wfFromYaml(memoized()), { configMaps, start: START });
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    const a = nodeNamed(r.workflow, 'a');
    assert.deepEqual(a.memoizationStatus, { hit: false, key: 'cache-key', cacheName: 'cache-config' });
    const saves = actionsOf(r.decisions, 'SaveMemoEntry');
    assert.equal(saves.length, 1, 'one write per transition to Succeeded');
    const save = saves[0] as Extract<Action, { kind: 'SaveMemoEntry' }>;
    assert.deepEqual(
      [save.namespace, save.configMap, save.key, save.nodeId],
      ['argo', 'cache-config', 'cache-key', a.id],
    );
    const entry = JSON.parse(save.entry);
    assert.equal(entry.nodeID, a.id);
    assert.deepEqual(entry.outputs, a.outputs);
    assert.equal(entry.creationTimestamp, entry.lastHitTimestamp);
    // The run after it hits.
    const again = runWorkflow(wfFromYaml(memoized(), 'wf2'), { configMaps, start: new Date(START.getTime() + 60_000) });
    const a2 = nodeNamed(again.workflow, 'a');
    assert.equal(a2.memoizationStatus?.hit, true);
    assert.deepEqual(a2.outputs, a.outputs);
  });

  test('a hit creates the node Succeeded from the cache: no pod, outputs flow on, lastHitTimestamp recorded', () => {
    const configMaps = cacheWith(cachedEntry('2026-01-02T15:00:00Z'));
    const r = runWorkflow(wfFromYaml(memoized('cache-key', '10m')), { configMaps, start: START });
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    const a = nodeNamed(r.workflow, 'a');
    assert.equal(a.phase, 'Succeeded');
    assert.deepEqual(a.memoizationStatus, { hit: true, key: 'cache-key', cacheName: 'cache-config' });
    assert.equal(a.outputs?.parameters?.[0]?.value, 'different world');
    const created = actionsOf(r.decisions, 'CreatePod') as Extract<Action, { kind: 'CreatePod' }>[];
    assert.deepEqual(
      created.map((c) => c.pod.metadata.name?.includes('world')),
      [false],
      'only step b runs a pod',
    );
    const b = nodeNamed(r.workflow, 'b');
    assert.deepEqual(b.inputs?.parameters?.[0]?.value, 'different world');
    const touch = actionsOf(r.decisions, 'SaveMemoEntry') as Extract<Action, { kind: 'SaveMemoEntry' }>[];
    assert.equal(touch.length, 1);
    const entry = JSON.parse(touch[0]!.entry);
    assert.equal(entry.nodeID, 'earlier-123');
    assert.equal(entry.creationTimestamp, '2026-01-02T15:00:00Z');
    assert.equal(entry.lastHitTimestamp, '2026-01-02T15:04:05Z');
  });

  test('an entry older than maxAge is a miss: the step runs', () => {
    const configMaps = cacheWith(cachedEntry('2026-01-02T15:00:00Z'));
    const r = runWorkflow(wfFromYaml(memoized('cache-key', '10s')), { configMaps, start: START });
    const a = nodeNamed(r.workflow, 'a');
    assert.equal(a.memoizationStatus?.hit, false);
    assert.notEqual(a.outputs?.parameters?.[0]?.value, 'different world');
    assert.equal(actionsOf(r.decisions, 'CreatePod').length, 2);
  });

  test("bad keys, maxAge, entries and unlabelled ConfigMaps end the node Error in Argo's words", () => {
    const cases: [string, Record<string, ObservedConfigMap>, string][] = [
      [memoized('bad key!'), {}, 'invalid cache key: bad key!'],
      [
        memoized('cache-key', 'soon'),
        cacheWith(cachedEntry('2026-01-02T15:00:00Z')),
        'invalid maxAge: time: invalid duration "soon"',
      ],
      [
        memoized(),
        { 'argo/cache-config': { labels: {}, data: { 'cache-key': '{not json' } } },
        "memoization configmap doesn't have workflows.argoproj.io/configmap-type label, refusing to use it",
      ],
      [
        memoized(),
        {
          'argo/cache-config': {
            labels: { 'workflows.argoproj.io/configmap-type': 'Cache' },
            data: { 'cache-key': '{x' },
          },
        },
        'malformed cache entry: could not unmarshal JSON',
      ],
    ];
    for (const [yaml, configMaps, message] of cases) {
      const r = runWorkflow(wfFromYaml(yaml), { configMaps, start: START });
      const a = nodeNamed(r.workflow, 'a');
      assert.equal(a.phase, 'Error', message);
      assert.ok(a.message?.startsWith(message), `${a.message} should start with ${message}`);
      assert.equal(actionsOf(r.decisions, 'CreatePod').length, 0, message);
      assert.equal(r.workflow.status?.phase, 'Failed', 'a failed step fails the steps (Argo: child failed)');
    }
  });

  test('a cache write refused in the reconcile that finished the workflow ends the node Error and the workflow with it', () => {
    const r = runWorkflow(wfFromYaml(memoized()), { configMaps: {}, start: START });
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    // As the runtime's next round sees it: the stored object (not labelled completed yet), the new status.
    const done = { ...r.workflow, metadata: { ...r.workflow.metadata, labels: {} } };
    // The decide that completed step b did not save anything; the one that completed a did. Replay the
    // reconcile where a turned Succeeded: its save is refused, and the engine hears it before writing.
    const saving = r.decisions.findIndex((d) => d.actions.some((a) => a.kind === 'SaveMemoEntry'));
    const a = nodeNamed(done, 'a');
    const message = 'configmaps "cache-config" is forbidden: User cannot update resource';
    const effect = {
      kind: 'SaveMemoEntry' as const,
      nodeId: a.id,
      cluster: '',
      namespace: 'argo',
      outcome: { kind: 'rejected' as const, statusCode: 403, reason: 'Forbidden', message },
    };
    const d = decide(
      {
        workflow: { ...done, status: r.decisions[saving]!.status },
        pods: r.pods,
        controller: { clusterName: 'main' },
        effects: [effect],
      },
      START,
    );
    assert.equal(d.status.nodes?.[a.id]?.phase, 'Error');
    assert.equal(d.status.nodes?.[a.id]?.message, message);
    // Even when the whole workflow had finished on it (b already done, here): opened again, it fails.
    const finished = decide(
      { workflow: done, pods: r.pods, controller: { clusterName: 'main' }, effects: [effect] },
      new Date(START.getTime() + 60_000),
    );
    assert.equal(finished.status.nodes?.[a.id]?.phase, 'Error');
    assert.equal(finished.status.phase, 'Failed', finished.status.message);
    const root = Object.values(finished.status.nodes ?? {}).find((n) => n.name === 'wf');
    assert.equal(root?.phase, 'Failed');
  });

  test('a memoized steps template that hits is its own outbound node: dependents start', () => {
    const yaml = `
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: inner, template: inner}
      - {name: after, template: leaf, depends: inner}
  - name: inner
    memoize: {key: inner-key, cache: {configMap: {name: cache-config}}}
    steps:
    - - {name: x, template: leaf}
  - name: leaf
    container: {image: busybox, command: [echo, hi]}
`;
    const configMaps = {
      'argo/cache-config': {
        labels: { 'workflows.argoproj.io/configmap-type': 'Cache' },
        data: { 'inner-key': JSON.stringify({ ...cachedEntry('2026-01-02T15:00:00Z'), outputs: null }) },
      },
    };
    const r = runWorkflow(wfFromYaml(yaml), { configMaps, start: START });
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    const inner = nodeNamed(r.workflow, 'inner');
    assert.equal(inner.type, 'Steps');
    assert.equal(inner.memoizationStatus?.hit, true);
    const after = nodeNamed(r.workflow, 'after');
    assert.equal(after.phase, 'Succeeded');
    assert.ok(inner.children?.includes(after.id), 'the dependent hangs off the memoized node');
    assert.equal(actionsOf(r.decisions, 'CreatePod').length, 1, 'only "after" runs');
  });
});
