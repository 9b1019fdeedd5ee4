/**
 * Daemon templates as Argo's controller runs them: Pending until the pod runs with every container
 * ready (saying so), then Running + daemoned with the pod's IP, which lets the next step start with
 * `{{steps.server.ip}}`; when the steps node is fulfilled the daemon's pod is deleted and its node
 * Succeeds; a daemon pod that ends by itself fails the node; in another cluster the message names it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/decide.ts';
import type { Decision, KubePod, ObservedPod, Snapshot } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const WF = (place = '', retry = '') => `
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - { name: server, template: server }
        - - name: client
            template: client
            arguments: { parameters: [{ name: ip, value: "{{steps.server.ip}}" }] }
    - name: server
      daemon: true
${place}${retry}      container: { image: python:3.12, command: [python3, -m, http.server] }
    - name: client
      inputs: { parameters: [{ name: ip }] }
      container: { image: alpine:3.23, command: [wget, "http://{{inputs.parameters.ip}}:8000/"] }
`;

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** A stepwise world: decide, then set the phase/readiness of the pods by node name. */
class World {
  snapshot: Snapshot;
  d!: Decision;
  pods = new Map<string, ObservedPod>();
  constructor(wf: Workflow) {
    this.snapshot = { workflow: wf, pods: [], controller: { clusterName: 'main' } };
    this.step();
  }
  step(): Decision {
    this.snapshot.pods = [...this.pods.values()];
    this.d = decide(this.snapshot, NOW);
    this.snapshot.workflow = { ...this.snapshot.workflow, status: this.d.status };
    for (const a of this.d.actions) {
      if (a.kind === 'CreatePod') {
        const node = a.pod.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '';
        const pod: KubePod = { ...a.pod, metadata: { ...a.pod.metadata, uid: node }, status: { phase: 'Pending' } };
        this.pods.set(node, { cluster: a.cluster, namespace: a.namespace, pod });
      }
      if (a.kind === 'DeletePod')
        for (const [k, p] of this.pods) if (p.pod.metadata.name === a.name) this.pods.delete(k);
    }
    return this.d;
  }
  set(node: string, phase: Phase, ready: boolean, ip = '127.3.4.5', exitCode = 0): void {
    const p = this.pods.get(node) as ObservedPod;
    const state =
      phase === 'Running' ? { running: {} } : phase === 'Pending' ? { waiting: {} } : { terminated: { exitCode } };
    const containerStatuses = p.pod.spec.containers.map((c) => ({ name: c.name, ready, state }));
    this.pods.set(node, { ...p, pod: { ...p.pod, status: { phase, podIP: ip, containerStatuses } } });
  }
  node(name: string): NodeStatus {
    return Object.values(this.d.status.nodes ?? {}).find((n) => n.name === name) as NodeStatus;
  }
}

describe('daemon templates', () => {
  test('ready daemon: Running and daemoned with its IP; the next step gets it; scope end stops it', () => {
    const w = new World(wfFromYaml(WF()));
    assert.ok(w.pods.has('wf[0].server'));
    w.set('wf[0].server', 'Running', false);
    w.step();
    assert.equal(w.node('wf[0].server').phase, 'Pending');
    assert.match(w.node('wf[0].server').message ?? '', /waiting for its containers to be ready: \[main\]/);
    assert.ok(!w.pods.has('wf[1].client'), 'the client waits for the daemon to be ready');
    w.set('wf[0].server', 'Running', true);
    w.step();
    const server = w.node('wf[0].server');
    assert.equal(server.phase, 'Running');
    assert.equal(server.daemoned, true);
    assert.equal(server.podIP, '127.3.4.5');
    assert.equal(server.message, undefined);
    const client = w.pods.get('wf[1].client')?.pod;
    assert.deepEqual(client?.spec.containers[0]?.command, ['wget', 'http://127.3.4.5:8000/']);
    w.set('wf[1].client', 'Succeeded', false);
    const end = w.step();
    const deleted = end.actions.find((a) => a.kind === 'DeletePod');
    assert.equal(deleted?.kind === 'DeletePod' && deleted.reason, 'daemon scope ended');
    assert.equal(w.node('wf[0].server').phase, 'Succeeded');
    assert.equal(w.node('wf[0].server').daemoned, undefined);
    w.step();
    assert.equal(w.d.status.phase, 'Succeeded');
  });

  test('a daemon pod that ends by itself fails its node (Succeeded → Failed, as Argo)', () => {
    const w = new World(wfFromYaml(WF()));
    w.set('wf[0].server', 'Succeeded', false);
    w.step();
    assert.equal(w.node('wf[0].server').phase, 'Failed');
    assert.equal(w.node('wf[0].server').daemoned, undefined);
    w.step();
    assert.equal(w.d.status.phase, 'Failed');
  });

  test('in another cluster the node message names where it runs and says the IP is reachable only there', () => {
    const w = new World(wfFromYaml(WF('      clusterName: other\n      namespace: team\n')));
    w.set('wf[0].server', 'Running', true, '127.9.9.9');
    w.step();
    assert.equal(
      w.node('wf[0].server').message,
      `daemon running in cluster "other" namespace "team" at 127.9.9.9 (reachable only where that cluster's pod network is)`,
    );
    assert.equal(w.pods.get('wf[1].client')?.pod.spec.containers[0]?.command?.[1], 'http://127.9.9.9:8000/');
  });

  test('a retried daemon: the Retry node is Running and daemoned with the attempt’s IP; both stop at scope end', () => {
    const w = new World(wfFromYaml(WF('', '      retryStrategy: { limit: 2 }\n')));
    w.set('wf[0].server(0)', 'Running', true, '127.7.7.7');
    w.step();
    const retry = w.node('wf[0].server');
    assert.equal(retry.type, 'Retry');
    assert.equal(retry.phase, 'Running');
    assert.equal(retry.daemoned, true);
    assert.equal(w.pods.get('wf[1].client')?.pod.spec.containers[0]?.command?.[1], 'http://127.7.7.7:8000/');
    w.set('wf[1].client', 'Succeeded', false);
    w.step();
    assert.equal(w.node('wf[0].server').phase, 'Succeeded');
    assert.equal(w.node('wf[0].server(0)').phase, 'Succeeded');
  });

  test('a daemon entrypoint ends the workflow once ready (Argo kills top-level daemons at the end)', () => {
    const w = new World(
      wfFromYaml(`
spec:
  entrypoint: server
  templates:
    - { name: server, daemon: true, container: { image: python:3.12, command: [python3, -m, http.server] } }
`),
    );
    w.set('wf', 'Running', true);
    const d = w.step();
    assert.ok(d.actions.some((a) => a.kind === 'DeletePod'));
    assert.equal(w.node('wf').phase, 'Succeeded');
  });
});
