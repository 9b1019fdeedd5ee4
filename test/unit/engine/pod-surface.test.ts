/**
 * Pod golden tests for the pod surface Argo passes through (workflow/controller/workflowpod.go `build`,
 * `addSchedulingConstraints`, `addDNSConfig`, `setupServiceAccount`, `processPodSpecPatch`): each field
 * written in a workflow reaches the pod built for it, with Argo's precedence (template, boundary,
 * workflow), and podSpecPatch is merged last, before the emissary rewrite.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide } from '../../../src/engine/decide.ts';
import type { ControllerSettings, KubeContainer, KubePod, Snapshot } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const SHARED = join(import.meta.dirname, '../../../../shared/conformance/argo-upstream');

function decideUntilPods(wf: Workflow, places: string[], controller: ControllerSettings = { clusterName: 'main' }) {
  const snapshot: Snapshot = { workflow: wf, pods: [], controller, executorPlaces: places };
  let d = decide(snapshot, NOW);
  for (let i = 0; i < 3 && !d.actions.some((a) => a.kind === 'CreatePod'); i++) {
    snapshot.workflow = { ...wf, status: d.status };
    d = decide(snapshot, NOW);
  }
  const pods = d.actions.flatMap((a) => (a.kind === 'CreatePod' ? [a.pod] : []));
  return { pods, nodes: Object.values(d.status.nodes ?? {}) as NodeStatus[], status: d.status };
}

const firstPod = (wf: Workflow, places = ['main/argo'], controller?: ControllerSettings): KubePod => {
  const [pod] = decideUntilPods(wf, places, controller).pods;
  assert.ok(pod, 'a pod is created');
  return pod;
};
const byName = (list: unknown, name: string) => (list as KubeContainer[]).find((c) => c.name === name);
const mountsOf = (c: KubeContainer | undefined) => (c?.volumeMounts ?? []) as { name: string }[];

const EVERY_FIELD = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  arguments: { parameters: [{ name: zone, value: z1 }] }
  nodeSelector: { disk: ssd }
  tolerations: [{ key: wf, operator: Exists }]
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: zone, operator: In, values: ["{{workflow.parameters.zone}}"] }] }] } } }
  schedulerName: wf-scheduler
  podPriorityClassName: system-cluster-critical
  hostAliases: [{ ip: 10.0.0.1, hostnames: [wf.local] }]
  dnsPolicy: None
  dnsConfig: { nameservers: [1.2.3.4], options: [{ name: ndots, value: "2" }] }
  imagePullSecrets: [{ name: regcred }]
  securityContext: { runAsUser: 1000 }
  automountServiceAccountToken: false
  executor: { serviceAccountName: exec-sa }
  podMetadata: { labels: { team: "{{workflow.parameters.zone}}" }, annotations: { owner: wf } }
  templates:
    - name: main
      hostAliases: [{ ip: 10.0.0.2, hostnames: [tmpl.local] }]
      tolerations: [{ key: tmpl, operator: Exists }]
      securityContext: { runAsNonRoot: true }
      activeDeadlineSeconds: 30
      metadata: { labels: { app: main } }
      container:
        image: argoproj/argosay:v2
        command: [/argosay]
        securityContext: { readOnlyRootFilesystem: true }
`;

describe('pod surface: each field reaches the pod', () => {
  test('workflow and template fields, with Argo’s precedence', () => {
    const pod = firstPod(wfFromYaml(EVERY_FIELD));
    const s = pod.spec;
    assert.deepEqual(s.nodeSelector, { disk: 'ssd' });
    assert.deepEqual(s.tolerations, [{ key: 'tmpl', operator: 'Exists' }], 'template tolerations win');
    assert.deepEqual(
      (
        s.affinity as {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: { matchExpressions: { values: string[] }[] }[];
            };
          };
        }
      ).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]!.matchExpressions[0]!.values,
      ['z1'],
      'workflow fields see the globals',
    );
    assert.equal(s.schedulerName, 'wf-scheduler');
    assert.equal(s.priorityClassName, 'system-cluster-critical', 'podPriorityClassName');
    assert.deepEqual(s.hostAliases, [
      { ip: '10.0.0.1', hostnames: ['wf.local'] },
      { ip: '10.0.0.2', hostnames: ['tmpl.local'] },
    ]);
    assert.equal(s.dnsPolicy, 'None');
    assert.deepEqual(s.dnsConfig, { nameservers: ['1.2.3.4'], options: [{ name: 'ndots', value: '2' }] });
    assert.deepEqual(s.imagePullSecrets, [{ name: 'regcred' }]);
    assert.deepEqual(s.securityContext, { runAsNonRoot: true }, 'template securityContext wins, no merge');
    assert.equal(s.automountServiceAccountToken, false);
    assert.equal(s.activeDeadlineSeconds, 30);
    assert.deepEqual(byName(s.containers, 'main')?.securityContext, { readOnlyRootFilesystem: true });
    assert.equal(pod.metadata.labels?.team, 'z1');
    assert.equal(pod.metadata.labels?.app, 'main');
    assert.equal(pod.metadata.annotations?.owner, 'wf');
  });

  test('executor.serviceAccountName: its token secret is mounted in init and wait only', () => {
    const pod = firstPod(wfFromYaml(EVERY_FIELD));
    assert.deepEqual(
      (pod.spec.volumes as { name: string }[]).find((v) => v.name === 'exec-sa-token'),
      { name: 'exec-sa-token', secret: { secretName: 'exec-sa.service-account-token' } },
    );
    const tokenMount = {
      name: 'exec-sa-token',
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
      readOnly: true,
    };
    assert.deepEqual(mountsOf(byName(pod.spec.initContainers, 'init'))[0], tokenMount);
    assert.deepEqual(mountsOf(byName(pod.spec.containers, 'wait'))[0], tokenMount);
    const main = byName(pod.spec.containers, 'main');
    assert.ok(!mountsOf(main).some((m) => m.name === 'exec-sa-token'));
  });

  test('automountServiceAccountToken: false without an executor account: Argo’s error, no pod', () => {
    const wf = wfFromYaml(EVERY_FIELD.replace('  executor: { serviceAccountName: exec-sa }\n', ''));
    const { pods, nodes } = decideUntilPods(wf, ['main/argo']);
    assert.deepEqual(pods, []);
    const node = nodes.find((n) => n.type === 'Pod');
    assert.equal(node?.phase, 'Error');
    assert.equal(
      node?.message,
      'executor.serviceAccountName must not be empty if automountServiceAccountToken is false',
    );
  });

  test('scheduling fields fall back to the boundary (steps) template before the workflow', () => {
    const wf = wfFromYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  nodeSelector: { from: workflow }
  templates:
    - name: main
      nodeSelector: { from: boundary }
      steps: [[{ name: a, template: run }]]
    - name: run
      container: { image: argoproj/argosay:v2, command: [/argosay] }
`);
    assert.deepEqual(firstPod(wf).spec.nodeSelector, { from: 'boundary' });
  });

  test('init and wait resources come from the controller (Argo’s executor.resources)', () => {
    const resources = { requests: { cpu: '10m', memory: '64Mi' } };
    const pod = firstPod(wfFromYaml(EVERY_FIELD), ['main/argo'], { clusterName: 'main', executorResources: resources });
    assert.deepEqual(byName(pod.spec.initContainers, 'init')?.resources, resources);
    assert.deepEqual(byName(pod.spec.containers, 'wait')?.resources, resources);
  });
});

describe('podSpecPatch', () => {
  const read = (f: string) => readFileSync(join(SHARED, f), 'utf8');

  test('pod-spec-patch.yaml: the template’s JSON patch, parameter substituted, merged into main', () => {
    for (const places of [['main/argo'], []]) {
      const pod = firstPod(wfFromYaml(read('examples__pod-spec-patch.yaml')), places);
      assert.deepEqual(byName(pod.spec.containers, 'main')?.resources, { limits: { cpu: '100m' } });
    }
  });

  test('pod-spec-patch-wf-tmpl.yaml: the workflow’s YAML patch then the template’s', () => {
    const pod = firstPod(wfFromYaml(read('examples__pod-spec-patch-wf-tmpl.yaml')));
    assert.deepEqual(byName(pod.spec.containers, 'main')?.resources, { limits: { cpu: '100m', memory: '100Mi' } });
  });

  test('pod-spec-yaml-patch.yaml: a YAML patch at workflow level', () => {
    const pod = firstPod(wfFromYaml(read('examples__pod-spec-yaml-patch.yaml')));
    assert.deepEqual(byName(pod.spec.containers, 'main')?.resources, { limits: { memory: '100Mi' } });
  });

  test('strategic merge: wait is patched too, env merges by name, and a patched command still runs behind emissary', () => {
    const wf = wfFromYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  templates:
    - name: main
      inputs: { parameters: [{ name: cmd, value: /other }] }
      podSpecPatch: |
        terminationGracePeriodSeconds: 5
        containers:
          - name: wait
            resources: { limits: { cpu: 50m } }
          - name: main
            command: ["{{inputs.parameters.cmd}}"]
            env: [{ name: A, value: patched }, { name: B, value: added }]
      container:
        image: argoproj/argosay:v2
        command: [/argosay]
        env: [{ name: A, value: original }]
`);
    const pod = firstPod(wf);
    assert.equal(pod.spec.terminationGracePeriodSeconds, 5);
    assert.deepEqual(byName(pod.spec.containers, 'wait')?.resources, { limits: { cpu: '50m' } });
    const main = byName(pod.spec.containers, 'main');
    assert.deepEqual(main?.command?.slice(0, 2), ['/var/run/argo/argoexec', 'emissary']);
    assert.equal(main?.command?.at(-1), '/other');
    const env = Object.fromEntries((main?.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env.A, 'patched');
    assert.equal(env.B, 'added');
    assert.equal(env.ARGO_CONTAINER_NAME, 'main', 'the patch merges over the built env');
  });

  test('a patch that is not a pod spec errors the node with Argo’s words', () => {
    const wf = wfFromYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  templates:
    - name: main
      podSpecPatch: '[1, 2]'
      container: { image: argoproj/argosay:v2, command: [/argosay] }
`);
    const { pods, nodes } = decideUntilPods(wf, ['main/argo']);
    assert.deepEqual(pods, []);
    assert.match(
      nodes.find((n) => n.type === 'Pod')?.message ?? '',
      /^Error applying PodSpecPatch: invalid podSpecPatch "\[1, 2\]"/,
    );
  });
});
