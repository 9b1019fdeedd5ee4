/**
 * Sidecars and init containers on executor pods, as Argo's `addInitContainers`/`addSidecars` and the
 * emissary rewrite place them: init containers after `init` (unwrapped, with ARGO_TEMPLATE and
 * /var/run/argo), sidecars after `main` behind emissary, `mirrorVolumeMounts` copying main's mounts;
 * workflow volumes only when mounted; pods-only places refuse them by name.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/decide.ts';
import type { KubeContainer, KubePod, Snapshot } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

function decideUntilPods(wf: Workflow, places: string[]) {
  const snapshot: Snapshot = { workflow: wf, pods: [], controller: { clusterName: 'main' }, executorPlaces: places };
  let d = decide(snapshot, NOW);
  for (let i = 0; i < 3 && !d.actions.some((a) => a.kind === 'CreatePod'); i++) {
    snapshot.workflow = { ...wf, status: d.status };
    d = decide(snapshot, NOW);
  }
  const pods = d.actions.flatMap((a) => (a.kind === 'CreatePod' ? [a.pod] : []));
  return { pods, nodes: Object.values(d.status.nodes ?? {}) as NodeStatus[] };
}
const names = (list: unknown) => ((list as KubeContainer[] | undefined) ?? []).map((c) => c.name);
const byName = (list: unknown, name: string) => ((list as KubeContainer[]) ?? []).find((c) => c.name === name);
const mounts = (c: KubeContainer | undefined) =>
  ((c?.volumeMounts ?? []) as { name: string; mountPath: string }[]).map((m) => `${m.name}:${m.mountPath}`);
const env = (c: KubeContainer | undefined) => Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));

const WF = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  volumes: [{ name: foo, emptyDir: {} }, { name: unused, emptyDir: {} }]
  templates:
    - name: main
      container:
        image: alpine:3.23
        command: [echo, bye]
        volumeMounts: [{ name: foo, mountPath: /foo }]
      initContainers:
        - { name: hello, image: alpine:3.23, command: [echo, hello], mirrorVolumeMounts: true }
      sidecars:
        - { name: db, image: alpine:3.23, command: [sleep, 1d], mirrorVolumeMounts: true }
        - { name: plain, image: alpine:3.23, command: [sleep, 1d] }
`;

describe('sidecars and init containers (executor pods)', () => {
  test('order, wrapping, mirrored mounts, env', () => {
    const [pod] = decideUntilPods(wfFromYaml(WF), ['main/argo']).pods as [KubePod];
    assert.deepEqual(names(pod.spec.initContainers), ['init', 'hello']);
    assert.deepEqual(names(pod.spec.containers), ['wait', 'main', 'db', 'plain']);
    const hello = byName(pod.spec.initContainers, 'hello');
    assert.deepEqual(hello?.command, ['echo', 'hello'], 'init containers are not wrapped');
    assert.equal((hello as Record<string, unknown>).mirrorVolumeMounts, undefined);
    assert.deepEqual(mounts(hello), ['foo:/foo', 'var-run-argo:/var/run/argo']);
    assert.equal(env(hello).ARGO_CONTAINER_NAME, 'hello');
    assert.ok(env(hello).ARGO_TEMPLATE?.includes('"sidecars"'));
    const db = byName(pod.spec.containers, 'db');
    assert.deepEqual(db?.command, [
      '/var/run/argo/argoexec', 'emissary', '--loglevel', 'info', '--log-format', 'text', '--gloglevel', '0', '--', 'sleep', '1d',
    ]); // prettier-ignore
    assert.deepEqual(mounts(db), ['foo:/foo', 'var-run-argo:/var/run/argo']);
    assert.deepEqual(mounts(byName(pod.spec.containers, 'plain')), ['var-run-argo:/var/run/argo']);
    assert.equal(env(db).ARGO_CONTAINER_NAME, 'db');
    assert.equal(env(db).ARGO_TEMPLATE, undefined, 'only init containers carry the template');
  });

  test('workflow volumes reach the pod only when mounted; an unknown mount is Argo’s error', () => {
    const [pod] = decideUntilPods(wfFromYaml(WF), ['main/argo']).pods as [KubePod];
    const vols = (pod.spec.volumes as { name: string }[]).map((v) => v.name);
    assert.ok(vols.includes('foo'));
    assert.ok(!vols.includes('unused'));
    const bad = decideUntilPods(
      wfFromYaml(WF.replace('mountPath: /foo', 'mountPath: /foo }, { name: nope, mountPath: /n')),
      ['main/argo'],
    );
    assert.deepEqual(bad.pods, []);
    assert.equal(bad.nodes.find((n) => n.type === 'Pod')?.message, "volume 'nope' not found in workflow spec");
  });

  test('terminationGracePeriodSeconds from a podSpecPatch reaches every container as Argo’s env', () => {
    const wf = wfFromYaml(
      WF.replace('    - name: main\n', '    - name: main\n      podSpecPatch: "terminationGracePeriodSeconds: 3"\n'),
    );
    const [pod] = decideUntilPods(wf, ['main/argo']).pods as [KubePod];
    for (const c of pod.spec.containers) assert.equal(env(c).ARGO_TERMINATION_GRACE_PERIOD_SECONDS, '3', c.name);
  });

  test('pods-only places refuse sidecars and init containers by name', () => {
    const { pods, nodes } = decideUntilPods(wfFromYaml(WF), []);
    assert.deepEqual(pods, []);
    assert.match(
      nodes.find((n) => n.type === 'Pod')?.message ?? '',
      /uses sidecars, init containers, which needs Argo's executor/,
    );
  });
});

describe('script templates without a source (sidecar-volumes)', () => {
  test("run the image's entrypoint, as Argo's executeScript does, not sh", () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: gen
  templates:
    - name: gen
      script: { image: 'argoproj/argosay:v2', args: [sleep, '5'] }
`);
    const [pod] = decideUntilPods(wf, ['main/argo']).pods as [KubePod];
    const main = byName(pod.spec.containers, 'main');
    assert.deepEqual(main?.command?.slice(-2), ['--', '/argosay']);
    assert.deepEqual(main?.args, ['sleep', '5']);
  });
});
