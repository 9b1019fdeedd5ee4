/**
 * Container-set templates as Argo v4.1 runs them: one pod with `wait` and every member behind emissary
 * (the set's volumeMounts on each, `main` alone getting input/staging mounts), Container nodes
 * `<node>.<member>` once the pod exists (edges along `dependencies`), each following its container
 * (exit 0 Succeeded, 64 Error, other Failed with Argo's message), followers hung off the last members,
 * and Argo's validation messages.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/decide.ts';
import { validateWorkflow } from '../../../src/engine/validate.ts';
import type {
  KubeContainer,
  KubeContainerStatus,
  KubePod,
  ObservedPod,
  Snapshot,
} from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const GRAPH = `
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - { name: set, template: group }
          - { name: after, template: echo, dependencies: [set] }
    - name: group
      volumes: [{ name: workspace, emptyDir: {} }]
      containerSet:
        volumeMounts: [{ name: workspace, mountPath: /workspace }]
        containers:
          - { name: a, image: argoproj/argosay:v2 }
          - { name: b, image: argoproj/argosay:v2, dependencies: [a] }
          - { name: c, image: argoproj/argosay:v2, dependencies: [a] }
          - { name: main, image: argoproj/argosay:v2, args: [echo, hi], dependencies: [b, c] }
    - name: echo
      container: { image: argoproj/argosay:v2 }
`;

type States = Record<string, NonNullable<KubeContainerStatus['state']>>;

function status(pod: KubePod, phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed', states: States): ObservedPod {
  const containerStatuses = Object.entries(states).map(([name, state]) => ({ name, state }));
  return { cluster: 'main', namespace: 'argo', pod: { ...pod, status: { phase, containerStatuses } } };
}

const done = (exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error') => ({
  terminated: { exitCode, reason, finishedAt: '2026-01-02T15:04:10Z' },
});

/** Decides until the first pod is asked for; then feeds `observe(pod)` back and decides again. */
function run(wf: Workflow, observe?: (pod: KubePod) => ObservedPod) {
  const snapshot: Snapshot = {
    workflow: wf,
    pods: [],
    controller: { clusterName: 'main' },
    executorPlaces: ['main/argo'],
  };
  let d = decide(snapshot, NOW);
  for (let i = 0; i < 3 && !d.actions.some((a) => a.kind === 'CreatePod'); i++) {
    snapshot.workflow = { ...wf, status: d.status };
    d = decide(snapshot, NOW);
  }
  const pod = d.actions.flatMap((a) => (a.kind === 'CreatePod' ? [a.pod] : []))[0] as KubePod;
  if (observe) {
    snapshot.workflow = { ...wf, status: d.status };
    snapshot.pods = [observe({ ...pod, metadata: { ...pod.metadata, uid: 'p1' } })];
    d = decide(snapshot, NOW);
  }
  const nodes = Object.values(d.status.nodes ?? {}) as NodeStatus[];
  return { pod, d, snapshot, nodes, byName: (n: string) => nodes.find((x) => x.name === n) };
}

const names = (list: unknown) => ((list as KubeContainer[] | undefined) ?? []).map((c) => c.name);
const byName = (list: unknown, name: string) => ((list as KubeContainer[]) ?? []).find((c) => c.name === name);
const mounts = (c: KubeContainer | undefined) =>
  ((c?.volumeMounts ?? []) as { name: string; mountPath: string }[]).map((m) => `${m.name}:${m.mountPath}`);
const env = (c: KubeContainer | undefined) => Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));

describe('containerSet templates', () => {
  test('the pod: wait, then every member behind emissary with the shared mounts (golden fields)', () => {
    const { pod } = run(wfFromYaml(GRAPH));
    assert.deepEqual(names(pod.spec.initContainers), ['init']);
    assert.deepEqual(names(pod.spec.containers), ['wait', 'a', 'b', 'c', 'main']);
    const a = byName(pod.spec.containers, 'a');
    assert.deepEqual(a?.command, [
      '/var/run/argo/argoexec', 'emissary', '--loglevel', 'info', '--log-format', 'text', '--gloglevel', '0', '--', '/argosay',
    ]); // prettier-ignore
    assert.equal((a as Record<string, unknown>).dependencies, undefined, 'dependencies stay in the template');
    assert.deepEqual(mounts(a), ['workspace:/workspace', 'var-run-argo:/var/run/argo']);
    assert.equal(env(a).ARGO_CONTAINER_NAME, 'a');
    assert.deepEqual(byName(pod.spec.containers, 'main')?.args, ['echo', 'hi']);
    assert.deepEqual(mounts(byName(pod.spec.containers, 'wait')), [
      'workspace:/mainctrfs/workspace',
      'tmp-dir-argo:/tmp',
      'var-run-argo:/var/run/argo',
    ]);
    assert.equal(pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'], 'main');
    const template = JSON.parse(env(byName(pod.spec.initContainers, 'init')).ARGO_TEMPLATE ?? '{}');
    assert.deepEqual(template.containerSet.containers[3].dependencies, ['b', 'c'], 'emissary reads the graph');
    assert.ok((pod.spec.volumes as { name: string }[]).some((v) => v.name === 'workspace'));
  });

  test('without a member named main, kubectl defaults to the last member', () => {
    const { pod } = run(wfFromYaml(GRAPH.replace('name: main, image', 'name: d, image')));
    assert.equal(pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'], 'd');
  });

  test('Container nodes appear with the pod and follow its containers', () => {
    const { nodes, byName: node } = run(wfFromYaml(GRAPH), (pod) =>
      status(pod, 'Running', {
        wait: { running: {} },
        a: done(0),
        b: { running: {} },
        c: done(3),
        main: { running: {} },
      }),
    );
    const setNode = node('wf.set') as NodeStatus;
    const ctr = (n: string) => node(`wf.set.${n}`) as NodeStatus;
    assert.deepEqual(
      nodes
        .filter((n) => n.type === 'Container')
        .map((n) => n.displayName)
        .sort(),
      ['a', 'b', 'c', 'main'],
    );
    assert.equal(ctr('a').boundaryID, setNode.id);
    assert.equal(ctr('a').templateName, 'group');
    assert.deepEqual(setNode.children, [ctr('a').id], 'only members without dependencies hang off the pod node');
    assert.deepEqual(ctr('a').children, [ctr('b').id, ctr('c').id]);
    assert.deepEqual(ctr('b').children, [ctr('main').id]);
    assert.deepEqual(ctr('c').children, [ctr('main').id]);
    assert.equal(ctr('a').phase, 'Succeeded');
    assert.equal(ctr('b').phase, 'Running');
    assert.equal(ctr('c').phase, 'Failed');
    assert.equal(ctr('c').message, 'c: Error (exit code 3): ');
  });

  test('a finished pod: members end as their containers, the follower hangs off the last member', () => {
    const { byName: node } = run(wfFromYaml(GRAPH), (pod) =>
      status(pod, 'Succeeded', { wait: done(0), a: done(0), b: done(0), c: done(0), main: done(0) }),
    );
    for (const n of ['a', 'b', 'c', 'main']) assert.equal(node(`wf.set.${n}`)?.phase, 'Succeeded');
    assert.equal(node('wf.set')?.phase, 'Succeeded');
    const after = node('wf.after') as NodeStatus;
    assert.ok(after, 'the next task started');
    assert.deepEqual(node('wf.set.main')?.children, [after.id]);
  });

  test('a failed member fails the pod node (main containers are every member); 64 is Error', () => {
    const { byName: node } = run(wfFromYaml(GRAPH), (pod) =>
      status(pod, 'Failed', {
        wait: done(0),
        a: done(2),
        b: done(64),
        c: done(64),
        main: { waiting: { reason: 'PodInitializing' } },
      }),
    );
    assert.equal(node('wf.set')?.phase, 'Failed');
    assert.equal(node('wf.set')?.message, 'a: Error (exit code 2)');
    assert.equal(node('wf.set.a')?.phase, 'Failed');
    assert.equal(node('wf.set.b')?.phase, 'Error');
    assert.equal(node('wf.set.main')?.phase, 'Failed');
    assert.equal(node('wf.set.main')?.message, 'Pod Failed whilst container running');
  });

  test('a terminated workflow fails the unfinished Container nodes with the pod node’s message', () => {
    const first = run(wfFromYaml(GRAPH), (pod) =>
      status(pod, 'Running', {
        wait: { running: {} },
        a: done(0),
        b: { running: {} },
        c: { running: {} },
        main: { running: {} },
      }),
    );
    const wf = first.snapshot.workflow;
    const d = decide(
      { ...first.snapshot, workflow: { ...wf, spec: { ...wf.spec, shutdown: 'Terminate' }, status: first.d.status } },
      NOW,
    );
    const node = (n: string) => Object.values(d.status.nodes ?? {}).find((x) => x.name === n) as NodeStatus;
    assert.equal(node('wf.set').phase, 'Failed');
    assert.equal(node('wf.set.a').phase, 'Succeeded');
    for (const n of ['b', 'c', 'main']) {
      assert.equal(node(`wf.set.${n}`).phase, 'Failed', n);
      assert.equal(node(`wf.set.${n}`).message, node('wf.set').message);
    }
    // The pod is gone on the next look: nothing changes any more.
    const again = decide(
      {
        ...first.snapshot,
        pods: [],
        workflow: { ...wf, spec: { ...wf.spec, shutdown: 'Terminate' }, status: d.status },
      },
      NOW,
    );
    assert.equal(
      (Object.values(again.status.nodes ?? {}).find((x) => x.name === 'wf.set.b') as NodeStatus).phase,
      'Failed',
    );
  });

  test('no Container nodes before the pod exists (Argo completes the graph only after the create)', () => {
    const { nodes } = run(wfFromYaml(GRAPH));
    assert.equal(nodes.filter((n) => n.type === 'Container').length, 0);
  });

  test("Argo's validation messages", () => {
    const msg = (yaml: string) => validateWorkflow(wfFromYaml(yaml)).map((e) => e.argo ?? e.message);
    const set = (body: string, extra = '') => `
spec:
  entrypoint: main
  templates:
    - name: main
${extra}      containerSet:
${body}`;
    assert.deepEqual(msg(set('        containers: []\n')), [
      'templates.main.containerSet.containers must have at least one container',
    ]);
    assert.deepEqual(msg(set('        containers: [{ name: a, image: x }, { name: a, image: x }]\n')), [
      "templates.main.containerSet.containers[1].name 'a' is not unique",
    ]);
    assert.deepEqual(msg(set('        containers: [{ name: a, image: x, dependencies: [z] }]\n')), [
      "templates.main.containerSet.containers.a dependency 'z' not defined",
    ]);
    assert.deepEqual(
      msg(
        set(
          '        containers: [{ name: a, image: x, dependencies: [b] }, { name: b, image: x, dependencies: [a] }]\n',
        ),
      ),
      ['templates.main.containerSet.containers dependency cycle detected: b->a->b'],
    );
    assert.deepEqual(
      msg(
        set(
          '        containers: [{ name: a, image: x }]\n',
          '      outputs: { parameters: [{ name: p, valueFrom: { path: /p } }] }\n',
        ),
      ),
      ['templates.main.containerSet.containers must have a container named "main" for input or output'],
    );
    assert.deepEqual(msg(set('        containers: [{ name: wait, image: x }]\n')), [
      'templates.main.containerSet.containers: "wait" is a reserved Argo container name',
    ]);
  });
});
