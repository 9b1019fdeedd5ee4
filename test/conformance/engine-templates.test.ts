/**
 * Argo's workflow-template/* and cluster-workflow-template/* examples (../shared/conformance/argo-upstream,
 * v4.1.2 tree) through `decide` with a simulated kubelet, the (Cluster)WorkflowTemplates of
 * templates.yaml / clustertemplates.yaml loaded as the runtime loads them. Each must reach Argo's phase
 * with Argo's node fields: a templateRef'd node records `templateRef` (no `templateName`) and the scope
 * it was resolved from; the steps/tasks inside a referenced template resolve their own `template:`
 * names in that template (`templateScope: namespaced/<wft>`), as Argo's template context does.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeId, parseWorkflows } from '../../src/engine/index.ts';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import { runWorkflow } from '../unit/engine/kubelet-sim.ts';

const DIR = '../shared/conformance/argo-upstream';
const manifest = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')) as {
  cases: { file: string; expected: string }[];
};
const KINDS = ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate'];

function docs(file: string): Workflow[] {
  const { workflows, errors } = parseWorkflows(readFileSync(`${DIR}/${file}`, 'utf8'), file, { kinds: KINDS });
  assert.deepEqual(errors, []);
  return workflows;
}

/** Both template files, keyed as runtime/templates.ts keys them. */
function templates(): Record<string, Workflow> {
  const out: Record<string, Workflow> = {};
  for (const t of docs('examples__workflow-template__templates.yaml')) out[`argo/${t.metadata.name}`] = t;
  for (const t of docs('examples__cluster-workflow-template__clustertemplates.yaml'))
    out[`cluster/${t.metadata.name}`] = t;
  return out;
}

function run(file: string): { wf: Workflow; nodes: Map<string, NodeStatus> } {
  const wf0 = docs(file)[0] as Workflow;
  const metadata = { ...wf0.metadata, name: 'w', namespace: 'argo', uid: 'uid-w' };
  const wf = runWorkflow({ ...wf0, metadata }, { workflowTemplates: templates() }).workflow;
  const nodes = new Map(Object.values(wf.status?.nodes ?? {}).map((x) => [x.name, x]));
  for (const x of nodes.values()) assert.equal(x.id, nodeId('w', x.name));
  return { wf, nodes };
}

function node(nodes: Map<string, NodeStatus>, name: string): NodeStatus {
  const n = nodes.get(name);
  assert.ok(n, `node ${name} exists (have ${[...nodes.keys()].join(', ')})`);
  assert.equal(n.phase, 'Succeeded', `${name}: ${n.message ?? ''}`);
  return n;
}

/** Node `name` ran template `template` of `ref` and was resolved from `scope`. */
function ranRef(nodes: Map<string, NodeStatus>, name: string, ref: string, template: string, scope: string): void {
  const n = node(nodes, name);
  const cluster = ref.startsWith('cluster-');
  assert.deepEqual(
    n.templateRef,
    cluster ? { name: ref, template, clusterScope: true } : { name: ref, template },
    `${name} templateRef`,
  );
  assert.equal(n.templateName, undefined, `${name} has no templateName`);
  assert.equal(n.templateScope, scope, `${name} templateScope`);
}

function ranLocal(nodes: Map<string, NodeStatus>, name: string, template: string, scope: string): void {
  const n = node(nodes, name);
  assert.equal(n.templateName, template, `${name} templateName`);
  assert.equal(n.templateRef, undefined, `${name} has no templateRef`);
  assert.equal(n.templateScope, scope, `${name} templateScope`);
}

const message = (n: NodeStatus | undefined) => n?.inputs?.parameters?.find((p) => p.name === 'message')?.value;

const CASES: Record<string, (nodes: Map<string, NodeStatus>, wf: Workflow) => void> = {
  'examples__workflow-template__steps.yaml': (n) => {
    ranLocal(n, 'w', 'hello-hello-hello', 'local/w');
    ranRef(n, 'w[0].hello1', 'workflow-template-print-message', 'print-message', 'local/w');
    ranRef(n, 'w[1].hello2a', 'workflow-template-inner-steps', 'inner-steps', 'local/w');
    const inner = 'namespaced/workflow-template-inner-steps';
    assert.equal(n.get('w[1].hello2a[0]')?.templateScope, inner, 'step groups carry the inner scope');
    ranRef(n, 'w[1].hello2a[0].inner-hello1', 'workflow-template-print-message', 'print-message', inner);
    ranLocal(n, 'w[1].hello2a[1].inner-hello2b', 'print-message', inner);
    assert.equal(message(n.get('w[1].hello2a[1].inner-hello2b')), 'inner-hello2b');
  },
  'examples__workflow-template__dag.yaml': (n) => {
    ranRef(n, 'w.C', 'workflow-template-inner-dag', 'inner-diamond', 'local/w');
    const inner = 'namespaced/workflow-template-inner-dag';
    ranRef(n, 'w.C.inner-A', 'workflow-template-print-message', 'print-message', inner);
    ranLocal(n, 'w.C.inner-B', 'print-message', inner);
    ranLocal(n, 'w.C.inner-C', 'print-message', inner);
    assert.equal(message(n.get('w.C.inner-C')), 'inner-C');
  },
  'examples__workflow-template__hello-world.yaml': (n) => {
    ranRef(n, 'w[0].call-print-message', 'workflow-template-print-message', 'print-message', 'local/w');
  },
  'examples__workflow-template__retry-with-steps.yaml': (n) => {
    const ref = 'workflow-template-random-fail-template';
    ranRef(n, 'w[0].hello1', ref, 'random-fail-template', 'local/w');
    assert.equal(n.get('w[0].hello1')?.type, 'Retry');
    ranRef(n, 'w[0].hello1(0)', ref, 'random-fail-template', 'local/w');
  },
  'examples__workflow-template__workflow-template-ref.yaml': (n) => {
    ranLocal(n, 'w', 'print-message', 'local/w');
    assert.equal(message(n.get('w')), 'hello world', "the template's own arguments");
  },
  'examples__workflow-template__workflow-template-ref-with-entrypoint-arg-passing.yaml': (n) => {
    ranLocal(n, 'w', 'print-message', 'local/w');
    assert.equal(message(n.get('w')), 'hello world');
  },
  'examples__cluster-workflow-template__cluster-wftmpl-dag.yaml': (n) => {
    ranRef(n, 'w.A', 'cluster-workflow-template-print-message', 'print-message', 'local/w');
    const inner = 'cluster/cluster-workflow-template-inner-dag';
    ranRef(n, 'w.C.inner-A', 'cluster-workflow-template-print-message', 'print-message', inner);
    ranLocal(n, 'w.C.inner-B', 'print-message', inner);
  },
  'examples__cluster-workflow-template__mixed-cluster-namespaced-wftmpl-steps.yaml': (n) => {
    ranRef(n, 'w[0].hello1', 'workflow-template-print-message', 'print-message', 'local/w');
    ranRef(n, 'w[1].hello2a', 'cluster-workflow-template-inner-steps', 'inner-steps', 'local/w');
    const inner = 'cluster/cluster-workflow-template-inner-steps';
    ranRef(n, 'w[1].hello2a[0].inner-hello1', 'cluster-workflow-template-print-message', 'print-message', inner);
  },
  'examples__cluster-workflow-template__workflow-template-ref.yaml': (n) => {
    ranLocal(n, 'w', 'print-message', 'local/w');
    assert.equal(message(n.get('w')), 'hello world');
  },
  'examples__cluster-workflow-template__workflow-template-ref-with-entrypoint-arg-passing.yaml': (n) => {
    ranLocal(n, 'w', 'print-message', 'local/w');
  },
};

describe("Argo's workflow-template and cluster-workflow-template examples through decide", () => {
  for (const [file, check] of Object.entries(CASES)) {
    const expected = manifest.cases.find((c) => c.file === file)?.expected;
    test(`${file} ends ${expected}`, () => {
      assert.ok(expected, `${file} is in the manifest`);
      const { wf, nodes } = run(file);
      assert.equal(wf.status?.phase, expected, wf.status?.message);
      check(nodes, wf);
    });
  }

  test('templates a referenced template names are stored under its scope (Argo storedTemplates keys)', () => {
    const { wf } = run('examples__workflow-template__steps.yaml');
    assert.deepEqual(Object.keys(wf.status?.storedTemplates ?? {}).sort(), [
      'namespaced/workflow-template-inner-steps/inner-steps',
      'namespaced/workflow-template-inner-steps/print-message',
      'namespaced/workflow-template-print-message/print-message',
    ]);
  });

  test("a name the referenced template does not have fails that node with Argo's message", () => {
    const lib = templates();
    const inner = structuredClone(lib['argo/workflow-template-inner-steps']) as Workflow;
    inner.spec.templates = inner.spec.templates?.filter((t) => t.name !== 'print-message');
    const wf0 = docs('examples__workflow-template__steps.yaml')[0] as Workflow;
    const wf = runWorkflow(
      { ...wf0, metadata: { name: 'w', namespace: 'argo', uid: 'u' } },
      { workflowTemplates: { ...lib, 'argo/workflow-template-inner-steps': inner } },
    ).workflow;
    const bad = Object.values(wf.status?.nodes ?? {}).find((x) => x.name === 'w[1].hello2a[1].inner-hello2b');
    assert.equal(bad?.phase, 'Error');
    assert.equal(bad?.message, 'template print-message not found');
    assert.equal(wf.status?.phase, 'Failed');
  });
});
