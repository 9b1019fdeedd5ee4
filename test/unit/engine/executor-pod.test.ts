/**
 * Executor pods (docs/adr/0009-argo-executor-pods.md) against what Argo v4.1 builds: one worked
 * example field by field (Argo's pod for it is written out below), and Argo's rules for executor pods
 * (init/wait/main containers, volumes, env) for the first pod of every shared conformance case. Differences from Argo's pod that are due to multi-cluster
 * placement are asserted as such (ownerReference only next to the Workflow; cluster/namespace labels).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { decide } from '../../../src/engine/decide.ts';
// The YAML reader, as the CLI and the reconcile load it (engine/yaml-reader.ts).
import '../../../src/engine/yaml-go.ts';
import type { KubeContainer, KubePod, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
const SHARED = join(import.meta.dirname, '../../../../shared');

function firstPods(wf: Workflow, places = ['main/argo']): KubePod[] {
  const snapshot: Snapshot = { workflow: wf, pods: [], controller: { clusterName: 'main' }, executorPlaces: places };
  let status = decide(snapshot, NOW);
  // The first decide may only initialise; keep deciding until pods are asked for (bounded).
  for (let i = 0; i < 3 && !status.actions.some((a) => a.kind === 'CreatePod'); i++) {
    snapshot.workflow = { ...wf, status: status.status };
    status = decide(snapshot, NOW);
  }
  return status.actions.flatMap((a) => (a.kind === 'CreatePod' ? [a.pod] : []));
}

const demo = (): Workflow =>
  ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'demo', namespace: 'argo', uid: 'wf-uid' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'gen', template: 'gen' }]] },
        {
          name: 'gen',
          script: {
            image: 'python:3.12-alpine',
            command: ['python'],
            source: 'open("/tmp/msg.txt","w").write("hello\\n")\n',
          },
          outputs: { parameters: [{ name: 'msg', valueFrom: { path: '/tmp/msg.txt' } }] },
        },
      ],
    },
  }) as Workflow;

const container = (pod: KubePod, name: string): KubeContainer => {
  const all = [...((pod.spec.initContainers as KubeContainer[] | undefined) ?? []), ...pod.spec.containers];
  const c = all.find((x) => x.name === name);
  assert.ok(c, `container ${name}`);
  return c;
};
const envOf = (c: KubeContainer) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e]));

describe('executor pods (Argo v4.1 legacy layout)', () => {
  test('the contract’s worked example: names, labels, annotations, owner, containers, volumes, env', () => {
    const [pod] = firstPods(demo());
    assert.ok(pod);
    assert.equal(pod.metadata.name, 'demo-gen-2714839184');
    // Argo's labels, plus Argosy's workflow UID label (a recycled workflow name never adopts old pods).
    assert.deepEqual(pod.metadata.labels, {
      'workflows.argoproj.io/workflow': 'demo',
      'workflows.argoproj.io/completed': 'false',
      'workflows.argosy.io/workflow-uid': 'wf-uid',
    });
    assert.deepEqual(pod.metadata.annotations, {
      'workflows.argoproj.io/node-name': 'demo[0].gen',
      'workflows.argoproj.io/node-id': 'demo-2714839184',
      'kubectl.kubernetes.io/default-container': 'main',
    });
    assert.deepEqual(pod.metadata.ownerReferences, [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        name: 'demo',
        uid: 'wf-uid',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.equal(pod.spec.restartPolicy, 'Never');
    assert.deepEqual(
      (pod.spec.initContainers as KubeContainer[]).map((c) => c.name),
      ['init'],
    );
    assert.deepEqual(
      pod.spec.containers.map((c) => c.name),
      ['wait', 'main'],
    );
    assert.deepEqual(pod.spec.volumes, [
      { name: 'var-run-argo', emptyDir: {} },
      { name: 'tmp-dir-argo', emptyDir: {} },
      { name: 'argo-staging', emptyDir: {} },
    ]);
    const flags = ['--loglevel', 'info', '--log-format', 'text', '--gloglevel', '0'];
    const init = container(pod, 'init');
    assert.equal(init.image, 'quay.io/argoproj/argoexec:v4.1.2');
    assert.deepEqual(init.command, ['argoexec', 'init', ...flags]);
    assert.deepEqual(init.volumeMounts, [
      { name: 'argo-staging', mountPath: '/argo/staging' },
      { name: 'var-run-argo', mountPath: '/var/run/argo' },
    ]);
    const wait = container(pod, 'wait');
    assert.deepEqual(wait.command, ['argoexec', 'wait', ...flags]);
    assert.deepEqual(wait.volumeMounts, [
      { name: 'argo-staging', mountPath: '/mainctrfs/argo/staging', readOnly: false },
      { name: 'tmp-dir-argo', mountPath: '/tmp', subPath: '0' },
      { name: 'var-run-argo', mountPath: '/var/run/argo' },
    ]);
    const main = container(pod, 'main');
    assert.equal(main.image, 'python:3.12-alpine');
    assert.deepEqual(main.command, ['/var/run/argo/argoexec', 'emissary', ...flags, '--', 'python']);
    assert.deepEqual(main.args, ['/argo/staging/script']);
    assert.deepEqual(main.volumeMounts, [
      { name: 'argo-staging', mountPath: '/argo/staging' },
      { name: 'var-run-argo', mountPath: '/var/run/argo' },
    ]);
    const common = {
      ARGO_NODE_ID: 'demo-2714839184',
      ARGO_INCLUDE_SCRIPT_OUTPUT: 'false',
      ARGO_DEADLINE: '0001-01-01T00:00:00Z',
      ARGO_WORKFLOW_NAME: 'demo',
      ARGO_PROGRESS_FILE: '/var/run/argo/progress',
      ARGO_PROGRESS_PATCH_TICK_DURATION: '1m0s',
      ARGO_PROGRESS_FILE_TICK_DURATION: '3s',
    };
    assert.deepEqual(envOf(main), { ARGO_CONTAINER_NAME: 'main', ...common });
    const initEnv = envOf(init);
    assert.deepEqual(initEnv.ARGO_POD_NAME, {
      name: 'ARGO_POD_NAME',
      valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
    });
    assert.equal(initEnv.ARGO_WORKFLOW_UID, 'wf-uid');
    assert.equal(initEnv.ARGO_CONTAINER_NAME, 'init');
    const template = JSON.parse(String(initEnv.ARGO_TEMPLATE));
    assert.equal(template.name, 'gen');
    assert.deepEqual(template.inputs, {});
    assert.equal(template.script.source, 'open("/tmp/msg.txt","w").write("hello\\n")\n');
    assert.equal(envOf(wait).ARGO_TEMPLATE, undefined, 'no ARGO_TEMPLATE on wait');
    assert.equal(envOf(wait).ARGO_CONTAINER_NAME, 'wait');
  });

  test('multi-cluster differences: no ownerReference away from the Workflow, placement labels', () => {
    const wf = demo();
    wf.spec.templates![1]!.clusterName = 'other';
    const [pod] = firstPods(wf, ['other/argo']);
    assert.ok(pod);
    assert.equal(pod.metadata.ownerReferences, undefined);
    assert.equal(pod.metadata.labels?.['workflows.argoproj.io/workflow-cluster-name'], 'main');
    assert.deepEqual(
      pod.spec.containers.map((c) => c.name),
      ['wait', 'main'],
    );
  });

  test('an input artifact in a volume main mounts goes into that volume, not over it (work-avoidance)', () => {
    // Argo's work-avoidance.yaml: load-markers mounts claim `work` at /work and has an optional input
    // artifact at /work/markers. Mounting input-artifacts there hid the claim's /work/markers from the
    // pod's own command, so the markers it made never reached the claim the next steps and the exit
    // handler mount. Argo skips that mount; init gets main's volumes under /mainctrfs and loads into them.
    const wf: Workflow = {
      metadata: { name: 'wa', namespace: 'argo', uid: 'wa-uid' },
      spec: {
        entrypoint: 'load',
        volumeClaimTemplates: [{ metadata: { name: 'work' }, spec: { accessModes: ['ReadWriteOnce'] } }],
        templates: [
          {
            name: 'load',
            inputs: {
              artifacts: [
                { name: 'markers', path: '/work/markers', optional: true, raw: { data: 'x' } },
                { name: 'elsewhere', path: '/data/in', raw: { data: 'y' } },
              ],
            },
            container: {
              image: 'busybox',
              command: ['mkdir', '-p', '/work/markers'],
              volumeMounts: [{ name: 'work', mountPath: '/work' }],
            },
          },
        ],
      },
    } as Workflow;
    const [pod] = firstPods(wf);
    const main = pod?.spec.containers.find((c) => c.name === 'main');
    const mounts = (main?.volumeMounts ?? []) as { name: string; mountPath: string }[];
    assert.deepEqual(
      mounts.filter((m) => m.name !== 'var-run-argo').map((m) => `${m.name}:${m.mountPath}`),
      ['work:/work', 'input-artifacts:/data/in'],
    );
    const init = (pod?.spec.initContainers as KubeContainer[] | undefined)?.find((c) => c.name === 'init');
    const initMounts = (init?.volumeMounts ?? []) as { name: string; mountPath: string }[];
    assert.ok(
      initMounts.some((m) => m.name === 'work' && m.mountPath === '/mainctrfs/work'),
      JSON.stringify(initMounts),
    );
  });

  test('pods-only places keep the single-container pod (ADR 0001/0005)', () => {
    const [pod] = firstPods(demo(), []);
    assert.ok(pod);
    assert.deepEqual(
      pod.spec.containers.map((c) => c.name),
      ['main'],
    );
    assert.equal(pod.spec.initContainers, undefined);
  });

  const quickStartRepo = {
    'argo/artifact-repositories': {
      annotations: { 'workflows.argoproj.io/default-artifact-repository': 'default-v1' },
      data: {
        'default-v1': [
          's3:',
          '  bucket: my-bucket',
          '  endpoint: minio:9000',
          '  insecure: true',
          '  accessKeySecret: {name: my-minio-cred, key: accesskey}',
          '  secretKeySecret: {name: my-minio-cred, key: secretkey}',
        ].join('\n'),
      },
    },
  };

  test('the worked example with an output artifact: archiveLocation from the repository, key rendered, secrets mounted', () => {
    const wf = demo();
    wf.spec.templates![1]!.outputs!.artifacts = [{ name: 'out', path: '/tmp/out.txt' }];
    const snapshot: Snapshot = {
      workflow: wf,
      pods: [],
      controller: { clusterName: 'main' },
      executorPlaces: ['main/argo'],
      configMaps: quickStartRepo,
    };
    const d = decide(snapshot, NOW);
    assert.deepEqual(d.status.artifactRepositoryRef, {
      namespace: 'argo',
      configMap: 'artifact-repositories',
      key: 'default-v1',
      artifactRepository: {
        s3: {
          bucket: 'my-bucket',
          endpoint: 'minio:9000',
          insecure: true,
          accessKeySecret: { name: 'my-minio-cred', key: 'accesskey' },
          secretKeySecret: { name: 'my-minio-cred', key: 'secretkey' },
        },
      },
    });
    const pod = d.actions.flatMap((a) => (a.kind === 'CreatePod' ? [a.pod] : []))[0];
    assert.ok(pod);
    const template = JSON.parse(String(envOf(container(pod, 'init')).ARGO_TEMPLATE));
    assert.deepEqual(template.archiveLocation, {
      archiveLogs: false,
      s3: {
        bucket: 'my-bucket',
        endpoint: 'minio:9000',
        insecure: true,
        accessKeySecret: { name: 'my-minio-cred', key: 'accesskey' },
        secretKeySecret: { name: 'my-minio-cred', key: 'secretkey' },
        key: 'demo/demo-gen-2714839184',
      },
    });
    assert.deepEqual(
      (pod.spec.volumes as { name: string }[] | undefined)?.find((v) => v.name === 'my-minio-cred'),
      {
        name: 'my-minio-cred',
        secret: {
          secretName: 'my-minio-cred',
          items: [
            { key: 'accesskey', path: 'accesskey' },
            { key: 'secretkey', path: 'secretkey' },
          ],
        },
      },
    );
    for (const c of ['init', 'wait'])
      assert.ok(
        (container(pod, c).volumeMounts as { name: string; mountPath: string }[]).some(
          (m) => m.name === 'my-minio-cred' && m.mountPath === '/argo/secret/my-minio-cred',
        ),
        `${c} mounts the repository secret`,
      );
    assert.ok(
      !((container(pod, 'main').volumeMounts as { name: string }[]) ?? []).some((m) => m.name === 'my-minio-cred'),
      'main never sees the repository credentials',
    );
  });

  test('artifacts in a pods-only place end the node Error naming the cluster, namespace and resource', () => {
    const wf = demo();
    wf.spec.templates![1]!.outputs = { artifacts: [{ name: 'out', path: '/tmp/out.txt' }] };
    const snapshot: Snapshot = {
      workflow: wf,
      pods: [],
      controller: { clusterName: 'main' },
      configMaps: quickStartRepo,
    };
    let d = decide(snapshot, NOW);
    for (let i = 0; i < 3 && d.status.phase === 'Running'; i++)
      d = decide({ ...snapshot, workflow: { ...wf, status: d.status } }, NOW);
    const gen = Object.values(d.status.nodes ?? {}).find((n) => n.name === 'demo[0].gen');
    assert.equal(gen?.phase, 'Error');
    assert.match(
      gen?.message ?? '',
      /cluster "main" namespace "argo" runs pods-only.*workflowtaskresults\.argoproj\.io/,
    );
    assert.equal(d.actions.filter((a) => a.kind === 'CreatePod').length, 0);
  });

  test("no repository configured: the node errors with Argo's words before any pod", () => {
    const wf = demo();
    wf.spec.templates![1]!.outputs = { artifacts: [{ name: 'out', path: '/tmp/out.txt' }] };
    const d = decide(
      { workflow: wf, pods: [], controller: { clusterName: 'main' }, executorPlaces: ['main/argo'] },
      NOW,
    );
    assert.deepEqual(d.status.artifactRepositoryRef, { default: true });
    const gen = Object.values(d.status.nodes ?? {}).find((n) => n.name === 'demo[0].gen');
    assert.equal(gen?.phase, 'Error');
    assert.match(gen?.message ?? '', /You need to configure artifact storage/);
    assert.equal(d.actions.filter((a) => a.kind === 'CreatePod').length, 0);
  });

  test("a spec.artifactRepositoryRef that names nothing ends the workflow Error (Argo's message)", () => {
    const wf = demo();
    wf.spec.artifactRepositoryRef = { configMap: 'nope', key: 'k' };
    const d = decide(
      { workflow: wf, pods: [], controller: { clusterName: 'main', controllerNamespace: 'argosy-system' } },
      NOW,
    );
    assert.equal(d.status.phase, 'Error');
    assert.equal(
      d.status.message,
      'failed to resolve artifact repository: failed to find any artifact repository for artifact repository ref "nope#k"',
    );
  });

  const manifest = JSON.parse(readFileSync(join(SHARED, 'conformance/argo/manifest.json'), 'utf8')) as {
    cases: { file: string }[];
  };
  for (const { file } of manifest.cases) {
    test(`contract rules hold for the first pods of ${file}`, () => {
      const wf = parse(readFileSync(join(SHARED, 'conformance/argo', file), 'utf8')) as Workflow;
      wf.metadata = { ...wf.metadata, name: wf.metadata?.name ?? 'case', namespace: 'argo', uid: 'wf-uid' };
      for (const pod of firstPods(wf)) {
        assert.deepEqual((pod.spec.initContainers as KubeContainer[]).map((c) => c.name)[0], 'init');
        assert.deepEqual(
          pod.spec.containers.slice(0, 2).map((c) => c.name),
          ['wait', 'main'],
        );
        const main = container(pod, 'main');
        assert.deepEqual(main.command?.slice(0, 2), ['/var/run/argo/argoexec', 'emissary']);
        assert.ok(main.command?.includes('--'));
        for (const c of [...(pod.spec.initContainers as KubeContainer[]), ...pod.spec.containers])
          assert.ok(
            ((c.volumeMounts as { mountPath: string }[]) ?? []).some((m) => m.mountPath === '/var/run/argo'),
            `${c.name} mounts /var/run/argo`,
          );
        const env = envOf(container(pod, 'init'));
        assert.doesNotThrow(() => JSON.parse(String(env.ARGO_TEMPLATE)));
        assert.match(String(env.ARGO_DEADLINE), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.equal(env.ARGO_NODE_ID, pod.metadata.annotations?.['workflows.argoproj.io/node-id']);
      }
    });
  }
});
