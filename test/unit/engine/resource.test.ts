/**
 * Resource templates in the engine: the pod Argo v4.1 builds for them (init + `argoexec resource`
 * main, no wait, locked-down security context, the template's service account), Argo's validation,
 * `setOwnerReference`, and the placement rules that keep a resource template from creating objects
 * outside the node's recorded place (another namespace, cluster-scoped kinds, namespace flags).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide } from '../../../src/engine/decide.ts';
import type { KubeContainer, KubePod, Snapshot } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { validateWorkflow } from '../../../src/engine/validate.ts';
import { wfFromYaml } from './fixtures.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
const UPSTREAM = join(import.meta.dirname, '../../../../shared/conformance/argo-upstream');
const upstream = (file: string): Workflow => {
  const wf = wfFromYaml(readFileSync(join(UPSTREAM, file), 'utf8'));
  wf.metadata = { ...wf.metadata, name: 'res', namespace: 'argo', uid: 'wf-uid' };
  return wf;
};

/** Decides until the first pods are asked for; returns them and the nodes. */
function firstRound(wf: Workflow, places = ['main/argo', 'other/argo']) {
  const snapshot: Snapshot = { workflow: wf, pods: [], controller: { clusterName: 'main' }, executorPlaces: places };
  let d = decide(snapshot, NOW);
  for (let i = 0; i < 3 && !d.actions.some((a) => a.kind === 'CreatePod'); i++) {
    snapshot.workflow = { ...wf, status: d.status };
    d = decide(snapshot, NOW);
  }
  const pods = d.actions.flatMap((a) => (a.kind === 'CreatePod' ? [a.pod] : []));
  return { pods, nodes: Object.values(d.status.nodes ?? {}) as NodeStatus[], status: d.status };
}

const containerOf = (pod: KubePod, name: string): KubeContainer => {
  const all = [...((pod.spec.initContainers as KubeContainer[] | undefined) ?? []), ...pod.spec.containers];
  const c = all.find((x) => x.name === name);
  assert.ok(c, `container ${name}`);
  return c;
};
const env = (c: KubeContainer, name: string) => c.env?.find((e) => e.name === name)?.value;

const inline = (resource: string, extra = '') =>
  wfFromYaml(`
metadata: {name: res, namespace: argo, uid: wf-uid}
spec:
  entrypoint: r
  templates:
  - name: r
${extra}
    resource:
${resource
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`);

describe('resource templates (engine)', () => {
  test('k8s-jobs: init + argoexec resource main, no wait, ownerReference in the manifest, Argo security context', () => {
    const { pods } = firstRound(upstream('examples__k8s-jobs.yaml'));
    assert.equal(pods.length, 1);
    const pod = pods[0]!;
    assert.deepEqual(
      (pod.spec.initContainers as KubeContainer[]).map((c) => c.name),
      ['init'],
    );
    assert.deepEqual(
      pod.spec.containers.map((c) => c.name),
      ['main'],
    );
    const main = containerOf(pod, 'main');
    assert.deepEqual(main.command?.slice(0, 3), ['argoexec', 'resource', 'create']);
    assert.equal(main.image, 'quay.io/argoproj/argoexec:v4.1.2');
    assert.equal(env(main, 'ARGO_TEMPLATE'), undefined, 'main reads the template init wrote');
    assert.deepEqual(main.securityContext, {
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      runAsUser: 8737,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
      readOnlyRootFilesystem: true,
    });
    const tmpl = JSON.parse(env(containerOf(pod, 'init'), 'ARGO_TEMPLATE')!) as { resource: { manifest: string } };
    const manifest = JSON.parse(tmpl.resource.manifest) as { kind: string; metadata: Record<string, unknown> };
    assert.equal(manifest.kind, 'Job');
    assert.deepEqual(manifest.metadata.ownerReferences, [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        name: 'res',
        uid: 'wf-uid',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  test('manifests are substituted ({{workflow.name}}, inputs) and the pod runs as the template service account', () => {
    const wf = inline(
      `action: create
manifest: |
  apiVersion: v1
  kind: ConfigMap
  metadata: {name: "{{workflow.name}}-cm"}
  data: {v: "{{inputs.parameters.v}}"}`,
      '    serviceAccountName: cm-writer\n    inputs: {parameters: [{name: v, value: hello}]}',
    );
    const { pods } = firstRound(wf);
    assert.equal(pods[0]!.spec.serviceAccountName, 'cm-writer');
    const tmpl = JSON.parse(env(containerOf(pods[0]!, 'init'), 'ARGO_TEMPLATE')!) as { resource: { manifest: string } };
    assert.match(tmpl.resource.manifest, new RegExp(`name: "${wf.metadata.name}-cm"`));
    assert.match(tmpl.resource.manifest, /v: "hello"/);
  });

  test("Argo's validation messages", () => {
    const msgs = (wf: Workflow) => validateWorkflow(wf).map((e) => e.message);
    assert.ok(
      msgs(inline('action: frob\nmanifest: "a: b"')).some((m) =>
        /resource.action must be one of: get, create, apply, delete, replace, patch/.test(m),
      ),
    );
    assert.ok(
      msgs(inline('action: create')).some((m) =>
        /either templates.r.resource.manifest or templates.r.resource.manifestFrom must be specified/.test(m),
      ),
    );
    assert.ok(
      msgs(inline('action: create\nmanifest: "a: [b"')).some((m) =>
        /templates.r.resource.manifest must be a valid yaml/.test(m),
      ),
    );
    assert.ok(
      msgs(inline('action: delete\nsuccessCondition: a == b\nflags: [cm, x]')).some((m) =>
        /successCondition, failureCondition and outputs are not supported for delete action/.test(m),
      ),
    );
    const wrongOutput = inline(
      'action: get\nflags: [cm, x]',
      '    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/x}}]}',
    );
    assert.ok(
      msgs(wrongOutput).some((m) =>
        /outputs.parameters.p .jqFilter or jsonPath must be specified for resource templates/.test(m),
      ),
    );
    assert.deepEqual(msgs(upstream('examples__k8s-jobs.yaml')), []);
    assert.deepEqual(msgs(upstream('examples__k8s-wait-wf.yaml')), []);
  });

  const errorOf = (wf: Workflow, places?: string[]) => {
    const { pods, nodes } = firstRound(wf, places);
    assert.equal(pods.length, 0, 'no pod is created');
    const node = nodes.find((n) => n.type === 'Pod');
    assert.equal(node?.phase, 'Error');
    return node?.message ?? '';
  };

  test('placement: another namespace in the manifest, a cluster-scoped kind, namespace flags are refused', () => {
    assert.match(
      errorOf(
        inline(
          'action: create\nmanifest: |\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x, namespace: kube-system}',
        ),
      ),
      /manifest namespace "kube-system" differs from the template's namespace "argo"/,
    );
    assert.match(
      errorOf(
        inline(
          'action: create\nmanifest: |\n  apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRoleBinding\n  metadata: {name: x}',
        ),
      ),
      /ClusterRoleBinding is cluster-scoped; resource templates may only manage namespaced objects/,
    );
    assert.match(errorOf(inline('action: delete\nflags: [cm, x, -n, kube-system]')), /flag -n is not allowed/);
    assert.match(
      errorOf(inline('action: delete\nflags: [cm, --all-namespaces, -l, a=b]')),
      /flag --all-namespaces is not allowed/,
    );
  });

  test('setOwnerReference across clusters is refused with the reason; pods-only places cannot run resource templates', () => {
    const remote = inline(
      'action: create\nsetOwnerReference: true\nmanifest: |\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}',
      '    clusterName: other',
    );
    assert.match(
      errorOf(remote),
      /setOwnerReference needs the object next to its Workflow \(main\/argo\), but it goes to other\/argo/,
    );
    const podsOnly = inline('action: get\nflags: [cm, x]');
    assert.match(errorOf(podsOnly, []), /is a resource template, which needs Argo's executor/);
  });

  test('the placement policy applies to resource nodes as to pods', () => {
    const wf = inline('action: get\nflags: [cm, x]', '    namespace: denied');
    const snapshot: Snapshot = {
      workflow: wf,
      pods: [],
      controller: { clusterName: 'main' },
      executorPlaces: ['main/denied'],
      checkPlacement: (t) => (t.namespace === 'denied' ? 'namespace denied is denied by policy' : undefined),
    };
    let d = decide(snapshot, NOW);
    snapshot.workflow = { ...wf, status: d.status };
    d = decide(snapshot, NOW);
    assert.equal(d.actions.filter((a) => a.kind === 'CreatePod').length, 0);
    const node = Object.values(d.status.nodes ?? {}).find((n) => n.type === 'Pod');
    assert.equal(node?.message, 'namespace denied is denied by policy');
  });
  test('manifestFrom.artifact: init downloads the artifact, main sees it at its path; Argo validates the name', () => {
    const from = (art: string) =>
      inline(
        `action: create\nmanifestFrom: {artifact: {name: ${art}}}`,
        '    inputs:\n      artifacts:\n      - {name: manifest, path: /tmp/manifest.yaml, raw: {data: "kind: ConfigMap"}}',
      );
    assert.deepEqual(validateWorkflow(from('manifest')), []);
    assert.ok(
      validateWorkflow(from('other')).some((e) =>
        /artifact other in `manifestFrom` refer to a non-exist artifact/.test(e.message),
      ),
    );
    const { pods } = firstRound(from('manifest'));
    const pod = pods[0]!;
    assert.ok(
      (containerOf(pod, 'init').volumeMounts as { name: string; mountPath: string }[]).some(
        (m) => m.name === 'input-artifacts' && m.mountPath === '/argo/inputs/artifacts',
      ),
    );
    assert.deepEqual((containerOf(pod, 'main').volumeMounts as unknown[])[0], {
      name: 'input-artifacts',
      mountPath: '/tmp/manifest.yaml',
      subPath: 'manifest',
    });
    assert.ok((pod.spec.volumes as { name: string }[]).some((v) => v.name === 'input-artifacts'));
    const remote = inline(
      'action: create\nsetOwnerReference: true\nmanifestFrom: {artifact: {name: manifest}}',
      '    clusterName: other\n    inputs:\n      artifacts:\n      - {name: manifest, path: /tmp/m.yaml, raw: {data: "kind: ConfigMap"}}',
    );
    assert.match(errorOf(remote), /setOwnerReference needs the object next to its Workflow/);
  });
});
