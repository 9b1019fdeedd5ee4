// Renders every kustomize overlay with kubectl's built-in kustomize, checks the objects (RBAC
// contents, security settings, settings names), applies the kinds the embedded API servers serve,
// and mints a token kubeconfig with infra/k8s/mint-token.sh whose identity has exactly the
// remote-cluster RBAC, then asks the API server what it may do.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { configEnvNames } from '../../../src/config.ts';
import { startLocalClusters, type LocalClusters } from '../../../src/local/clusters.ts';
import { renderKustomization } from '../../../src/local/kustomize.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';

const exec = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const OVERLAYS = ['base', 'cluster-wide', 'namespaced', 'crds', 'remote-cluster', 'remote-namespace', 'workflow-rbac'];
/** Kinds the embedded API servers serve (the rest is schema-checked only). */
const SERVED = new Set(['Namespace', 'ServiceAccount', 'Secret', 'ConfigMap', 'CustomResourceDefinition']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [key: string]: unknown;
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const rendered = new Map<string, { yaml: string; objects: K8sObject[] }>();
let local: LocalClusters;
let tmp: string;

async function kubectl(args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', args, { cwd: repoRoot, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? ((error as { code?: number }).code ?? 1) : 0 });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

function objects(overlay: string): K8sObject[] {
  const r = rendered.get(overlay);
  assert.ok(r, `overlay ${overlay} rendered`);
  return r.objects;
}

function find(overlay: string, kind: string, name: string): K8sObject {
  const o = objects(overlay).find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${overlay} has ${kind} ${name}`);
  return o;
}

/** verbs per "group/resource" of a role (a verb granted by two rules counts once), for exact comparisons. */
function grants(role: K8sObject): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of role.rules as Rule[]) {
    for (const g of r.apiGroups) {
      for (const res of r.resources) {
        const key = `${g || 'core'}/${res}${r.resourceNames ? `[${r.resourceNames.join(',')}]` : ''}`;
        out[key] = [...new Set([...(out[key] ?? []), ...r.verbs])].sort();
      }
    }
  }
  return out;
}

/** Objects by kind/namespace/name (order-free comparison of two renderings). */
function keyed(objs: K8sObject[]): Record<string, K8sObject> {
  return Object.fromEntries(objs.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
}

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'argosy-kustomize-'));
  await Promise.all(
    OVERLAYS.map(async (overlay) => {
      const { stdout } = await exec('kubectl', ['kustomize', `infra/k8s/${overlay}`], {
        cwd: repoRoot,
        maxBuffer: 64 << 20,
      });
      const objs = parseAllDocuments(stdout).map((d) => d.toJSON() as K8sObject);
      rendered.set(overlay, { yaml: stdout, objects: objs });
    }),
  );
  local = await startLocalClusters({ names: ['main', 'other'], kubelet: false });
});

after(async () => {
  await local?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('infra/k8s overlays', () => {
  test('every overlay renders well-formed objects, namespaced where they must be', () => {
    for (const overlay of OVERLAYS) {
      assert.ok(objects(overlay).length > 0, overlay);
      for (const o of objects(overlay)) {
        const id = `${overlay}: ${o.kind} ${o.metadata?.name}`;
        assert.match(o.apiVersion, /^([a-z0-9.-]+\/)?v\d/, id);
        assert.match(o.metadata.name, /^[a-z0-9][-a-z0-9.]*$/, id);
        if (CLUSTER_SCOPED.has(o.kind)) assert.equal(o.metadata.namespace, undefined, id);
        else assert.ok(o.metadata.namespace, `${id} has a namespace`);
      }
    }
    assert.deepEqual(
      objects('crds')
        .map((o) => o.metadata.name)
        .sort(),
      [
        'clusterworkflowtemplates.argoproj.io',
        'cronworkflows.argoproj.io',
        'workflowartifactgctasks.argoproj.io',
        'workflows.argoproj.io',
        'workflowtaskresults.argoproj.io',
        'workflowtasksets.argoproj.io',
        'workflowtemplates.argoproj.io',
      ],
    );
  });

  test('RBAC: every rule is complete and every binding points at a role in the same overlay', () => {
    for (const overlay of OVERLAYS) {
      for (const o of objects(overlay)) {
        if (o.kind === 'Role' || o.kind === 'ClusterRole') {
          for (const r of o.rules as Rule[]) {
            assert.ok(r.apiGroups?.length && r.resources?.length && r.verbs?.length, `${overlay} ${o.metadata.name}`);
            assert.ok(
              !r.verbs.includes('*') && !r.resources.includes('*'),
              `${overlay} ${o.metadata.name}: no wildcards`,
            );
          }
        }
        if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
          const ref = o.roleRef as { kind: string; name: string; apiGroup: string };
          assert.equal(ref.apiGroup, 'rbac.authorization.k8s.io');
          find(overlay, ref.kind, ref.name);
          for (const s of o.subjects as { kind: string; name: string; namespace?: string }[]) {
            if (s.kind === 'ServiceAccount') {
              const sa = objects(overlay).find((x) => x.kind === 'ServiceAccount' && x.metadata.name === s.name);
              if (sa)
                assert.equal(s.namespace, sa.metadata.namespace, `${overlay} ${o.metadata.name} subject namespace`);
            }
          }
        }
      }
    }
  });

  test('cluster-wide: the watcher only lists and watches workflows, pods, task results and task sets, gets one Secret and the Workflow CRD', () => {
    assert.deepEqual(grants(find('cluster-wide', 'ClusterRole', 'argosy-watcher')), {
      'argoproj.io/workflows': ['list', 'watch'],
      'core/pods': ['list', 'watch'],
      'argoproj.io/workflowtaskresults': ['list', 'watch'],
      // HTTP templates' results (docs/adr/0015-http-templates.md).
      'argoproj.io/workflowtasksets': ['list', 'watch'],
      // Checked at start: a CRD that prunes templates' clusterName/namespace refuses the start.
      'apiextensions.k8s.io/customresourcedefinitions[workflows.argoproj.io]': ['get'],
    });
    assert.deepEqual(grants(find('cluster-wide', 'Role', 'argosy-watcher-rest-config')), {
      'core/secrets[rest-config]': ['get'],
    });
    // Exactly the verbs the functions call (local mode enforces these rules, so a missing one fails
    // the pipeline tests); no watch; task results only listed and deleted by collection.
    assert.deepEqual(grants(find('cluster-wide', 'ClusterRole', 'argosy-controller')), {
      // create/delete: the CronWorkflow evaluator's runs and history limits (src/runtime/cron-handler.ts).
      'argoproj.io/workflows': ['create', 'delete', 'get', 'list', 'patch', 'update'],
      'argoproj.io/workflows/status': ['update'],
      'argoproj.io/workflows/finalizers': ['update'],
      'argoproj.io/cronworkflows': ['list', 'patch'],
      'argoproj.io/cronworkflows/finalizers': ['update'],
      'argoproj.io/workflowtemplates': ['get'],
      'argoproj.io/clusterworkflowtemplates': ['get'],
      // create/update: memoization caches (docs/adr/0019-memoization-cache-namespace.md).
      'core/configmaps': ['create', 'get', 'update'],
      'core/pods': ['create', 'delete', 'get', 'list', 'patch'],
      'core/pods/log': ['get'],
      // Claims of volumeClaimTemplates (docs/adr/0015-volume-claims.md): made with a pod, GC'd by name.
      'core/persistentvolumeclaims': ['create', 'delete', 'get', 'patch'],
      'argoproj.io/workflowtaskresults': ['deletecollection', 'list'],
      // HTTP templates: the task set of each place (no Secrets: the agent reads those as the workflow).
      'argoproj.io/workflowtasksets': ['create', 'delete', 'get', 'patch'],
      'argoproj.io/workflowtasksets/status': ['patch'],
      // Artifact GC: the tasks its GC pods read and report into (the pods delete, never the controller).
      'argoproj.io/workflowartifactgctasks': ['create', 'delete', 'get', 'list'],
      'core/events': ['create'],
    });
    // Lock records: read, created, replaced at a version, deleted once empty (src/runtime/locks.ts).
    assert.deepEqual(grants(find('cluster-wide', 'Role', 'argosy-controller-locks')), {
      'core/configmaps': ['create', 'delete', 'get', 'update'],
    });
  });

  test('namespaced: Roles only, scoped to the managed namespace, which the watcher is told', () => {
    const objs = objects('namespaced');
    assert.ok(!objs.some((o) => o.kind.startsWith('Cluster')), 'no cluster-scoped RBAC');
    // The managed namespace, and the controller namespace for the one rest-config Secret and the
    // synchronization lock records.
    const inControllerNs = ['argosy-rest-config', 'argosy-controller-locks'];
    for (const o of objs.filter((x) => x.kind === 'Role' || x.kind === 'RoleBinding')) {
      const ns = inControllerNs.includes(o.metadata.name) ? 'argosy-system' : 'argo';
      assert.equal(o.metadata.namespace, ns, `${o.kind} ${o.metadata.name}`);
    }
    const cm = find('namespaced', 'ConfigMap', 'argosy-watcher').data as Record<string, string>;
    assert.equal(cm.ARGOSY_MANAGED_NAMESPACE, 'argo');
  });

  test('the watcher Deployment runs non-root on a read-only root filesystem with limits and probes', () => {
    const d = find('cluster-wide', 'Deployment', 'argosy-watcher') as K8sObject & {
      spec: { template: { spec: Record<string, unknown> } };
    };
    const pod = d.spec.template.spec as {
      serviceAccountName: string;
      securityContext: { runAsNonRoot: boolean };
      containers: {
        image: string;
        envFrom: { configMapRef: { name: string } }[];
        resources: { requests: Record<string, string>; limits: Record<string, string> };
        securityContext: {
          readOnlyRootFilesystem: boolean;
          allowPrivilegeEscalation: boolean;
          capabilities: { drop: string[] };
        };
        readinessProbe: { httpGet: { path: string } };
      }[];
    };
    find('cluster-wide', 'ServiceAccount', pod.serviceAccountName);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    const c = pod.containers[0]!;
    assert.match(c.image, /argosy-watcher:[\w.-]+$/);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
    assert.equal(c.readinessProbe.httpGet.path, '/healthz');
    assert.equal(
      (c as unknown as { livenessProbe: { httpGet: { path: string } } }).livenessProbe.httpGet.path,
      '/livez',
    );
    const settings = find('cluster-wide', 'ConfigMap', c.envFrom[0]!.configMapRef.name).data as Record<string, string>;
    // The probes reach the port the watcher listens on, on every interface.
    const ports = (c as unknown as { ports: { containerPort: number }[] }).ports;
    assert.equal(settings.ARGOSY_WATCHER_LISTEN, `0.0.0.0:${ports[0]!.containerPort}`);
  });

  test('the watcher ServiceAccount carries no IRSA annotation: EKS Pod Identity works as installed', () => {
    // With a placeholder eks.amazonaws.com/role-arn, EKS injects AWS_ROLE_ARN/AWS_WEB_IDENTITY_TOKEN_FILE
    // and the SDK's chain tries web identity before Pod Identity: the watcher crash-loops.
    for (const overlay of ['base', 'cluster-wide', 'namespaced']) {
      const sa = find(overlay, 'ServiceAccount', 'argosy-watcher');
      assert.equal(sa.metadata.annotations?.['eks.amazonaws.com/role-arn'], undefined, overlay);
    }
  });

  test("deploy.md's own overlay: `kustomize edit set image argosy-watcher=...` replaces the image; IRSA is a component", async () => {
    // What `kustomize create --resources ../../infra/k8s/cluster-wide` and `kustomize edit set image`
    // write (kubectl has no `kustomize edit`), plus the optional IRSA component.
    const dir = join(tmp, 'deploy', 'main');
    await mkdir(dir, { recursive: true });
    const rel = (p: string) => relative(dir, join(repoRoot, p));
    await writeFile(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        `resources: [${rel('infra/k8s/cluster-wide')}]`,
        `components: [${rel('infra/k8s/irsa')}]`,
        'images:',
        '  - name: argosy-watcher',
        '    newName: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/argosy-watcher',
        '    newTag: 0.2.0',
        '',
      ].join('\n'),
    );
    const { stdout } = await exec('kubectl', ['kustomize', dir], { maxBuffer: 64 << 20 });
    const objs = parseAllDocuments(stdout).map((d) => d.toJSON() as K8sObject);
    const deploy = objs.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    assert.equal(
      deploy.spec.template.spec.containers[0]!.image,
      '111122223333.dkr.ecr.eu-west-1.amazonaws.com/argosy-watcher:0.2.0',
    );
    const sa = objs.find((o) => o.kind === 'ServiceAccount')!;
    assert.match(sa.metadata.annotations?.['eks.amazonaws.com/role-arn'] ?? '', /^arn:aws:iam::/);
    // Local mode's renderer agrees on this overlay too (components and images included).
    assert.deepEqual(keyed(renderKustomization(dir)), keyed(objs));
  });

  test("local mode's kustomize renderer gives what `kubectl kustomize` gives, for every overlay", () => {
    for (const overlay of OVERLAYS) {
      assert.deepEqual(
        keyed(renderKustomization(join(repoRoot, 'infra/k8s', overlay))),
        keyed(objects(overlay)),
        overlay,
      );
    }
  });

  test('the watcher ConfigMap only sets variables Argosy (or the AWS SDK) reads', () => {
    const known = new Set([...Object.values(configEnvNames), 'AWS_REGION']);
    for (const overlay of ['cluster-wide', 'namespaced']) {
      const data = find(overlay, 'ConfigMap', 'argosy-watcher').data as Record<string, string>;
      for (const key of Object.keys(data)) assert.ok(known.has(key), `${overlay}: unknown setting ${key}`);
      assert.ok(data.ARGOSY_QUEUE_URL?.endsWith('.fifo'));
    }
  });

  test('remote credentials: pods, their claims, task results and task sets only, and a service-account token Secret for it', () => {
    const want = {
      'core/pods': ['create', 'delete', 'get', 'list', 'patch', 'watch'],
      'core/pods/log': ['get'],
      'core/persistentvolumeclaims': ['create', 'delete', 'get', 'patch'],
      'argoproj.io/workflowtaskresults': ['deletecollection', 'list', 'watch'],
      'argoproj.io/workflowtasksets': ['create', 'delete', 'get', 'list', 'patch', 'watch'],
      'argoproj.io/workflowtasksets/status': ['patch'],
      'argoproj.io/workflowartifactgctasks': ['create', 'delete', 'get', 'list'],
    };
    assert.deepEqual(grants(find('remote-cluster', 'ClusterRole', 'argosy-remote')), want);
    assert.deepEqual(grants(find('remote-namespace', 'Role', 'argosy-remote')), want);
    // The watcher's own access entry (EKS: it signs tokens as WatcherRole) may only list/watch pods, task results and sets.
    const watcher = {
      'core/pods': ['list', 'watch'],
      'argoproj.io/workflowtaskresults': ['list', 'watch'],
      'argoproj.io/workflowtasksets': ['list', 'watch'],
    };
    assert.deepEqual(grants(find('remote-cluster', 'ClusterRole', 'argosy-remote-watcher')), watcher);
    assert.deepEqual(grants(find('remote-namespace', 'Role', 'argosy-remote-watcher')), watcher);
    for (const [overlay, kind] of [
      ['remote-cluster', 'ClusterRoleBinding'],
      ['remote-namespace', 'RoleBinding'],
    ] as const) {
      const b = find(overlay, kind, 'argosy-remote-watcher') as K8sObject & { subjects: { name: string }[] };
      assert.deepEqual(
        b.subjects.map((x) => x.name),
        ['argosy-watcher'],
      );
    }
    for (const [overlay, ns] of [
      ['remote-cluster', 'argosy'],
      ['remote-namespace', 'argo'],
    ] as const) {
      const token = find(overlay, 'Secret', 'argosy-token');
      assert.equal(token.type, 'kubernetes.io/service-account-token');
      assert.equal(token.metadata.namespace, ns);
      assert.equal(token.metadata.annotations?.['kubernetes.io/service-account.name'], 'argosy');
      assert.equal(find(overlay, 'ServiceAccount', 'argosy').metadata.namespace, ns);
    }
    assert.deepEqual(grants(find('workflow-rbac', 'Role', 'workflow')), {
      'core/pods': ['get', 'patch', 'watch'],
      'core/pods/log': ['get', 'watch'],
      'argoproj.io/workflowtaskresults': ['create', 'patch'],
      // Argo's `agent` Role: the HTTP templates' agent reads its task set and reports results.
      'argoproj.io/workflowtasksets': ['list', 'watch'],
      'argoproj.io/workflowtasksets/status': ['patch'],
      // Argo's `artifactgc` Role: the artifact GC pod reads its tasks and reports what it deleted.
      'argoproj.io/workflowartifactgctasks': ['list', 'watch'],
      'argoproj.io/workflowartifactgctasks/status': ['patch'],
    });
  });

  test('the served kinds apply to the embedded clusters', async () => {
    const targets: [string, string][] = [
      ['crds', 'main'],
      ['cluster-wide', 'main'],
      ['namespaced', 'main'],
      ['remote-cluster', 'other'],
      ['workflow-rbac', 'other'],
      ['remote-namespace', 'other'],
    ];
    for (const [overlay, context] of targets) {
      const served = objects(overlay).filter((o) => SERVED.has(o.kind));
      const docs = served.map((o) => JSON.stringify(o)).join('\n');
      const r = await kubectl(
        ['apply', '--server-side', '-f', '-', '--kubeconfig', local.kubeconfigPath, '--context', context],
        docs,
      );
      assert.equal(r.code, 0, `${overlay}: ${r.stderr}`);
      for (const o of served)
        assert.match(r.stdout, new RegExp(`${o.kind.toLowerCase()}[^ ]*/${o.metadata.name} `), overlay);
    }
    const got = await kubectl([
      'get',
      'configmap',
      'argosy-watcher',
      '-n',
      'argosy-system',
      '-o',
      'json',
      '--kubeconfig',
      local.kubeconfigPath,
      '--context',
      'main',
    ]);
    assert.equal(JSON.parse(got.stdout).data.ARGOSY_CLUSTER_NAME, 'main');
  });

  test('mint-token.sh builds a kubeconfig whose identity may manage pods and nothing else', async () => {
    const other = local.get('other');
    // The embedded server has no token controller: issue a token with exactly the remote-cluster
    // ClusterRole's rules and put it where the token controller would.
    const rules = (find('remote-cluster', 'ClusterRole', 'argosy-remote').rules as Rule[]).map((r) => ({
      apiGroups: r.apiGroups,
      resources: r.resources,
      verbs: r.verbs,
    }));
    // Every real cluster lets authenticated users ask about themselves (ClusterRole system:basic-user).
    const basicUser = {
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews'],
      verbs: ['create'],
    };
    const identity = other.createIdentity('system:serviceaccount:argosy:argosy', [...rules, basicUser]);
    const secret = {
      ...find('remote-cluster', 'Secret', 'argosy-token'),
      data: {
        token: Buffer.from(identity.token).toString('base64'),
        'ca.crt': Buffer.from(other.caPem).toString('base64'),
      },
    };
    const ctx = ['--kubeconfig', local.kubeconfigPath, '--context', 'other'];
    const applied = await kubectl(
      ['apply', '--server-side', '--force-conflicts', '-f', '-', ...ctx],
      JSON.stringify(secret),
    );
    assert.equal(applied.code, 0, applied.stderr);

    const out = join(tmp, 'argosy-other.kubeconfig');
    const minted = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['infra/k8s/mint-token.sh', 'other', 'other', 'argosy', out],
        { cwd: repoRoot, env: { ...process.env, KUBECONFIG: local.kubeconfigPath }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
      );
    });
    assert.equal(minted.code, 0, minted.stderr);
    assert.match(minted.stdout, /argosy cluster add other\. other/);

    const can = (args: string[]) => kubectl(['auth', 'can-i', ...args, '--kubeconfig', out]);
    assert.equal((await can(['create', 'pods', '-n', 'argo'])).stdout.trim(), 'yes');
    assert.equal((await can(['delete', 'pods', '-n', 'team-a'])).stdout.trim(), 'yes');
    assert.equal((await can(['deletecollection', 'pods', '-n', 'team-a'])).stdout.trim(), 'no');
    assert.equal((await can(['get', 'pods', '--subresource=log', '-n', 'argo'])).stdout.trim(), 'yes');
    assert.equal((await can(['get', 'secrets', '-n', 'argo'])).stdout.trim(), 'no');
    assert.equal((await can(['create', 'workflows.argoproj.io', '-n', 'argo'])).stdout.trim(), 'no');
  });
});
