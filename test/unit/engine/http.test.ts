/**
 * HTTP templates in the engine (Argo's executeHTTPTemplate + taskSetReconciliation): an `HTTP` node,
 * Pending until its place's agent reports; the task (resolved template) written into the place's
 * WorkflowTaskSet; one agent pod per place as the workflow's service account; the agent's result
 * copied to the node; refused/failed-for-now writes, failed agents, placement, shutdown, clean-up.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/decide.ts';
import type { Action, KubePod, ObservedTaskSet, Snapshot } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { validateWorkflow } from '../../../src/engine/validate.ts';
import { agentNodeId } from '../../../src/engine/http-template/agent.ts';
import { wfFromYaml } from './fixtures.ts';
import { runWorkflow } from './kubelet-sim.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

const WF = `
metadata: {name: h, namespace: argo, uid: wf-uid}
spec:
  entrypoint: main
  serviceAccountName: caller
  templates:
  - name: main
    steps:
    - - name: call
        template: get
        arguments: {parameters: [{name: url, value: "http://127.0.0.1:1/x"}]}
    - - name: show
        template: echo
        arguments: {parameters: [{name: body, value: "{{steps.call.outputs.result}}"}]}
  - name: get
    inputs: {parameters: [{name: url}]}
    http:
      url: "{{inputs.parameters.url}}"
      method: POST
      headers:
      - {name: Authorization, valueFrom: {secretKeyRef: {name: tok, key: token}}}
      body: hello
      timeoutSeconds: 5
  - name: echo
    inputs: {parameters: [{name: body}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.body}}"]}
`;

const wf = (text = WF): Workflow => wfFromYaml(text, 'h');
const snapshot = (w: Workflow, extra: Partial<Snapshot> = {}): Snapshot => ({
  workflow: w,
  pods: [],
  controller: { clusterName: 'main' },
  ...extra,
});

/** Decides until the HTTP node exists and its task is handed out. */
function start(w: Workflow, extra: Partial<Snapshot> = {}) {
  let d = decide(snapshot(w, extra), NOW);
  for (let i = 0; i < 3 && !d.actions.some((a) => a.kind === 'ApplyTaskSet'); i++)
    d = decide(snapshot({ ...w, status: d.status }, extra), NOW);
  return d;
}
const httpNode = (nodes: Record<string, NodeStatus> | undefined) =>
  Object.values(nodes ?? {}).find((n) => n.type === 'HTTP') as NodeStatus;
const ofKind = <K extends Action['kind']>(actions: Action[], kind: K) =>
  actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);

describe('HTTP templates (engine)', () => {
  test('lint and submit accept http templates; plugin templates (which share the agent) stay refused by name', () => {
    assert.deepEqual(validateWorkflow(wf()), []);
    const plugin = wf(WF.replace('    http:\n', '    plugin:\n'));
    assert.ok(validateWorkflow(plugin).some((e) => /template type plugin is not supported yet/.test(e.message)));
  });

  test('an HTTP node waits Pending while its task goes to the task set and an agent pod is created', () => {
    const d = start(wf());
    const node = httpNode(d.status.nodes);
    assert.equal(node.name, 'h[0].call');
    assert.equal(node.phase, 'Pending');
    const [set] = ofKind(d.actions, 'ApplyTaskSet');
    assert.ok(set);
    assert.equal(set.cluster, 'main');
    assert.equal(set.namespace, 'argo');
    assert.equal(set.taskSet.metadata.name, 'h');
    assert.equal(set.taskSet.metadata.labels?.['workflows.argoproj.io/workflow'], 'h');
    const task = set.taskSet.spec?.tasks?.[node.id] as { http: Record<string, unknown> };
    assert.equal(task.http.url, 'http://127.0.0.1:1/x', 'the task is the resolved template');
    assert.deepEqual(task.http.headers, [
      { name: 'Authorization', valueFrom: { secretKeyRef: { name: 'tok', key: 'token' } } },
    ]);
    const [agent] = ofKind(d.actions, 'CreatePod');
    assert.ok(agent);
    const pod = agent.pod;
    assert.equal(agent.nodeId, agentNodeId('h'));
    assert.match(pod.metadata.name ?? '', /^h-\d+-agent$/);
    assert.equal(pod.metadata.labels?.['workflows.argoproj.io/component'], 'agent');
    assert.equal(pod.spec.serviceAccountName, 'caller', "the workflow's account: its rights, not the controller's");
    assert.deepEqual(
      pod.spec.containers.map((c) => [c.name, c.command, c.args?.slice(0, 2)]),
      [['main', ['argoexec'], ['agent', 'main']]],
    );
    assert.equal(pod.metadata.ownerReferences?.[0]?.uid, wf().metadata.uid);
  });

  test('the agent result ends the node; outputs.result reaches the next step', () => {
    const run = runWorkflow(wf(), {
      agent: (t) => {
        const http = t['http'] as { method: string; body: string };
        assert.equal(http.method, 'POST');
        return { phase: 'Succeeded', outputs: { result: `{"got":"${http.body}"}` } };
      },
    });
    const w = run.workflow;
    assert.equal(w.status?.phase, 'Succeeded', w.status?.message);
    const node = httpNode(w.status?.nodes);
    assert.equal(node.phase, 'Succeeded');
    assert.equal(node.outputs?.result, '{"got":"hello"}');
    const show = run.pods.find((p) => p.pod.metadata.annotations?.['workflows.argoproj.io/node-name'] === 'h[1].show');
    assert.ok(JSON.stringify(show?.pod.spec).includes('{\\"got\\":\\"hello\\"}'), 'the body is the next input');
    assert.equal(w.status?.progress, '2/2');
    const agents = run.pods.filter((p) => p.pod.metadata.labels?.['workflows.argoproj.io/component'] === 'agent');
    assert.equal(agents.length, 1, 'one agent pod per place');
  });

  test('a failed request fails the node with the agent message; continueOn lets the workflow succeed', () => {
    const text = WF.replace('        template: get\n', '        template: get\n        continueOn: {failed: true}\n');
    const w = runWorkflow(wf(text), {
      agent: () => ({ phase: 'Failed', message: 'received non-2xx response code: 404', outputs: { result: 'nope' } }),
    }).workflow;
    assert.equal(w.status?.phase, 'Succeeded');
    const node = httpNode(w.status?.nodes);
    assert.equal(node.phase, 'Failed');
    assert.equal(node.message, 'received non-2xx response code: 404');
    const failed = runWorkflow(wf(), { agent: () => ({ phase: 'Failed', message: 'boom' }) }).workflow;
    assert.equal(failed.status?.phase, 'Failed');
  });

  test('retryStrategy retries an HTTP node as a pod node', () => {
    const text = WF.replace('    http:\n', '    retryStrategy: {limit: 1}\n    http:\n');
    let calls = 0;
    const w = runWorkflow(wf(text), {
      agent: () =>
        ++calls === 1 ? { phase: 'Failed', message: 'first' } : { phase: 'Succeeded', outputs: { result: 'ok' } },
    }).workflow;
    assert.equal(w.status?.phase, 'Succeeded');
    const attempts = Object.values(w.status?.nodes ?? {}).filter((n) => n.type === 'HTTP');
    assert.deepEqual(attempts.map((n) => n.phase).sort(), ['Failed', 'Succeeded']);
    assert.equal(Object.values(w.status?.nodes ?? {}).find((n) => n.type === 'Retry')?.phase, 'Succeeded');
  });

  test('a template in another cluster records its place and gets its own task set and agent there', () => {
    const text = WF.replace('    http:\n', '    clusterName: other\n    namespace: team\n    http:\n');
    const d = start(wf(text));
    const node = httpNode(d.status.nodes);
    assert.equal(node.clusterName, 'other');
    assert.equal(node.namespace, 'team');
    const [set] = ofKind(d.actions, 'ApplyTaskSet');
    assert.deepEqual([set?.cluster, set?.namespace], ['other', 'team']);
    const [agent] = ofKind(d.actions, 'CreatePod');
    assert.deepEqual([agent?.cluster, agent?.namespace], ['other', 'team']);
    assert.equal(agent?.pod.metadata.ownerReferences, undefined, 'no ownerReference across clusters');
    assert.equal(agent?.pod.metadata.labels?.['workflows.argoproj.io/workflow-cluster-name'], 'main');
    assert.equal(agent?.pod.metadata.labels?.['workflows.argoproj.io/workflow-namespace'], 'argo');
    assert.ok(d.metadata.finalizers.length > 0, 'the workflow gets the finalizer that cleans other clusters');
  });

  test('the placement policy applies to HTTP nodes: a denied place ends the node Error, nothing is written', () => {
    const checkPlacement = () => 'namespace team is not allowed by the placement policy';
    const w = runWorkflow(wf(WF.replace('    http:\n', '    namespace: team\n    http:\n')), {
      checkPlacement,
    }).workflow;
    const node = httpNode(w.status?.nodes);
    assert.equal(node.phase, 'Error');
    assert.equal(node.message, 'namespace team is not allowed by the placement policy');
  });

  test('a refused task-set write or agent pod ends the waiting nodes Error, saying why', () => {
    const d = start(wf());
    const w = { ...wf(), status: d.status };
    const id = agentNodeId('h');
    const refused = (kind: 'CreatePod' | 'ApplyTaskSet', statusCode: number) =>
      decide(
        snapshot(w, {
          effects: [
            {
              kind,
              nodeId: id,
              cluster: 'main',
              namespace: 'argo',
              outcome: { kind: 'rejected', statusCode, reason: 'x', message: 'no' },
            },
          ],
        }),
        NOW,
      );
    const crd = httpNode(refused('ApplyTaskSet', 404).status.nodes);
    assert.equal(crd.phase, 'Error');
    assert.match(
      crd.message ?? '',
      /^failed to create or patch WorkflowTaskSet main\/argo\/h: no; install the WorkflowTaskSet CRD/,
    );
    const pod = httpNode(refused('CreatePod', 403).status.nodes);
    assert.equal(pod.message, 'create agent pod failed with reason:"no" (in main/argo)');
    const transient = decide(
      snapshot(w, {
        effects: [
          {
            kind: 'CreatePod',
            nodeId: id,
            cluster: 'main',
            namespace: 'argo',
            outcome: { kind: 'transient', message: 'timeout' },
          },
        ],
      }),
      NOW,
    );
    const waiting = httpNode(transient.status.nodes);
    assert.equal(waiting.phase, 'Pending');
    assert.match(waiting.message ?? '', /^waiting for cluster main: timeout \(retrying, 1 attempt\)$/);
    assert.ok(transient.requeueAfterMs !== undefined);
  });

  test("a failed agent pod ends its place's nodes with Argo's message", () => {
    const d = start(wf());
    const [agent] = ofKind(d.actions, 'CreatePod');
    const failed: KubePod = { ...(agent as { pod: KubePod }).pod, status: { phase: 'Failed', message: 'OOMKilled' } };
    const next = decide(
      snapshot({ ...wf(), status: d.status }, { pods: [{ cluster: 'main', namespace: 'argo', pod: failed }] }),
      NOW,
    );
    const node = httpNode(next.status.nodes);
    assert.equal(node.phase, 'Error');
    assert.equal(node.message, 'agent pod failed with reason:"OOMKilled"');
    assert.equal(next.status.phase, 'Failed');
  });

  test('an agent that ended while a node waits is replaced, and the node says so', () => {
    const d = start(wf());
    const [agent] = ofKind(d.actions, 'CreatePod');
    const ended: KubePod = { ...(agent as { pod: KubePod }).pod, status: { phase: 'Succeeded' } };
    const next = decide(
      snapshot({ ...wf(), status: d.status }, { pods: [{ cluster: 'main', namespace: 'argo', pod: ended }] }),
      NOW,
    );
    const node = httpNode(next.status.nodes);
    assert.equal(node.phase, 'Pending');
    assert.match(node.message ?? '', /^agent pod h-\d+-agent ended before reporting this node; replacing it$/);
    assert.deepEqual(
      ofKind(next.actions, 'DeletePod').map((a) => a.name),
      [ended.metadata.name],
    );
    assert.deepEqual(ofKind(next.actions, 'CreatePod'), [], 'the new agent comes once the old one is gone');
  });

  test('a running agent is not re-created and is not a node pod (the workflow can finish)', () => {
    const d = start(wf());
    const [agent] = ofKind(d.actions, 'CreatePod');
    const pods = [
      {
        cluster: 'main',
        namespace: 'argo',
        pod: { ...(agent as { pod: KubePod }).pod, status: { phase: 'Running' as const } },
      },
    ];
    const [set] = ofKind(d.actions, 'ApplyTaskSet');
    const taskSets: ObservedTaskSet[] = [
      { cluster: 'main', namespace: 'argo', taskSet: (set as { taskSet: ObservedTaskSet['taskSet'] }).taskSet },
    ];
    const again = decide(snapshot({ ...wf(), status: d.status }, { pods, taskSets }), NOW);
    assert.deepEqual(ofKind(again.actions, 'CreatePod'), [], 'agent running: no new pod');
    assert.deepEqual(ofKind(again.actions, 'ApplyTaskSet'), [], 'task already there: no write');
    assert.equal(httpNode(again.status.nodes).phase, 'Pending');
  });

  test('finished tasks are removed from the task set once the node end is stored', () => {
    const run = runWorkflow(wf(), { agent: () => ({ phase: 'Succeeded', outputs: { result: 'x' } }) });
    const removals = run.decisions.flatMap((d) => ofKind(d.actions, 'ApplyTaskSet')).flatMap((a) => a.remove);
    assert.deepEqual(removals, [httpNode(run.workflow.status?.nodes).id]);
  });

  test('a shutdown stops a waiting HTTP node as Argo does', () => {
    const d = start(wf());
    const stopped = { ...wf(), status: d.status };
    stopped.spec = { ...stopped.spec, shutdown: 'Stop' };
    const node = httpNode(decide(snapshot(stopped), NOW).status.nodes);
    assert.equal(node.phase, 'Failed');
    assert.equal(node.message, "Stopped with strategy 'Stop'");
  });
});
