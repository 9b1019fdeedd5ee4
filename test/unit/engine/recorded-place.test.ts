// A running workflow executes what it started with: editing spec.arguments or a template mid-run, or
// the WorkflowTemplate a templateRef points at, never moves a (re-)created pod, and placement is
// checked again on every pod create against the place recorded in the node (issue 24, item 1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, nodeId } from '../../../src/engine/index.ts';
import type { Decision, KubePod, PlacementCheck, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { applyDecision } from './kubelet-sim.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const controller = { clusterName: 'main' };

const TEMPLATED = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  arguments:
    parameters: [{ name: ns, value: batch }, { name: sa, value: workflow }]
  templates:
    - name: main
      clusterName: other
      namespace: '{{workflow.parameters.ns}}'
      serviceAccountName: '{{workflow.parameters.sa}}'
      container: { image: argoproj/argosay:v2 }
`;

function creates(d: Decision): { cluster: string; namespace: string; sa?: string }[] {
  return d.actions.flatMap((a) =>
    a.kind === 'CreatePod' ? [{ cluster: a.cluster, namespace: a.namespace, sa: a.pod.spec.serviceAccountName }] : [],
  );
}

function withArgs(wf: Workflow, ns: string, sa: string): Workflow {
  return {
    ...wf,
    spec: {
      ...wf.spec,
      arguments: {
        parameters: [
          { name: 'ns', value: ns },
          { name: 'sa', value: sa },
        ],
      },
    },
  };
}

const later = new Date(NOW.getTime() + 5000);

describe('recorded place (item 1)', () => {
  test('a pod re-created after an argument edit goes to the recorded place, as the recorded service account', () => {
    const started = applyDecision(
      wfFromYaml(TEMPLATED),
      decide({ workflow: wfFromYaml(TEMPLATED), pods: [], controller }, NOW),
    );
    const node = started.status?.nodes?.[nodeId('wf', 'wf')];
    assert.equal(node?.namespace, 'batch');
    assert.equal(node?.serviceAccountName, 'workflow');
    // The Pending pod was deleted and the attacker patched the arguments.
    const d = decide({ workflow: withArgs(started, 'kube-system', 'admin'), pods: [], controller }, later);
    assert.deepEqual(creates(d), [{ cluster: 'other', namespace: 'batch', sa: 'workflow' }]);
  });

  test('a template edited mid-run does not change where later steps run', () => {
    const yaml = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  templates:
    - name: main
      steps: [[{ name: a, template: run }], [{ name: b, template: run }]]
    - name: run
      clusterName: other
      container: { image: argoproj/argosay:v2 }
`;
    const wf0 = wfFromYaml(yaml);
    const d0 = decide({ workflow: wf0, pods: [], controller }, NOW);
    const running = applyDecision(wf0, d0);
    const podA = d0.actions.find((a) => a.kind === 'CreatePod');
    assert.ok(podA && podA.kind === 'CreatePod');
    const succeeded: KubePod = {
      ...podA.pod,
      status: {
        phase: 'Succeeded',
        containerStatuses: [
          { name: 'main', state: { terminated: { exitCode: 0, finishedAt: '2026-01-02T15:04:07Z' } } },
        ],
      },
    };
    // The template is edited to point at kube-system before step b starts.
    const edited: Workflow = {
      ...running,
      spec: {
        ...running.spec,
        templates: running.spec.templates?.map((t) => (t.name === 'run' ? { ...t, namespace: 'kube-system' } : t)),
      },
    };
    const d1 = decide(
      { workflow: edited, pods: [{ cluster: 'other', namespace: 'argo', pod: succeeded }], controller },
      later,
    );
    assert.deepEqual(creates(d1), [{ cluster: 'other', namespace: 'argo', sa: undefined }]);
  });

  test('placement is checked again on every create, against the recorded place', () => {
    const wf0 = wfFromYaml(TEMPLATED);
    const started = applyDecision(wf0, decide({ workflow: wf0, pods: [], controller }, NOW));
    // The policy changed after the node was created: the re-create is refused, the node errors.
    const deny: PlacementCheck = (t) => (t.namespace === 'batch' ? 'placement denied: batch' : undefined);
    const snap: Snapshot = { workflow: started, pods: [], controller, checkPlacement: deny };
    const d = decide(snap, later);
    assert.deepEqual(creates(d), []);
    assert.equal(d.status.nodes?.[nodeId('wf', 'wf')]?.phase, 'Error');
    assert.equal(d.status.nodes?.[nodeId('wf', 'wf')]?.message, 'placement denied: batch');
  });

  test('a templateRef runs the template as first resolved, whatever the WorkflowTemplate becomes', () => {
    const yaml = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  templates:
    - name: main
      steps: [[{ name: a, templateRef: { name: lib, template: run } }]]
`;
    const lib = (namespace: string): Workflow => ({
      metadata: { name: 'lib', namespace: 'argo' },
      spec: {
        templates: [{ name: 'run', clusterName: 'other', namespace, container: { image: 'argoproj/argosay:v2' } }],
      },
    });
    const wf0 = wfFromYaml(yaml);
    const started = applyDecision(
      wf0,
      decide({ workflow: wf0, pods: [], controller, workflowTemplates: { 'argo/lib': lib('batch') } }, NOW),
    );
    assert.ok(started.status?.storedTemplates?.['namespaced/lib/run']);
    // A new step node of the same reference (the pod node is dropped to force a fresh resolution).
    const nodes = { ...(started.status?.nodes ?? {}) };
    const podNode = Object.values(nodes).find((n) => n.type === 'Pod');
    assert.ok(podNode);
    delete nodes[podNode.id];
    const again = { ...started, status: { ...started.status, nodes } };
    const d = decide(
      { workflow: again, pods: [], controller, workflowTemplates: { 'argo/lib': lib('kube-system') } },
      later,
    );
    assert.deepEqual(creates(d), [{ cluster: 'other', namespace: 'batch', sa: undefined }]);
  });

  test('stop, suspend and the deadline still come from the live spec', () => {
    const wf0 = wfFromYaml(TEMPLATED);
    const started = applyDecision(wf0, decide({ workflow: wf0, pods: [], controller }, NOW));
    const stopped: Workflow = { ...started, spec: { ...started.spec, shutdown: 'Terminate' } };
    const d = decide({ workflow: stopped, pods: [], controller }, later);
    assert.equal(d.status.phase, 'Failed');
    assert.match(d.status.message ?? '', /Stopped with strategy 'Terminate'/);
  });
});
