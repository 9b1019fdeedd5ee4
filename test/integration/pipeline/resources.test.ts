// Resource templates through the whole local stack: the pod runs the local `argoexec resource`
// stand-in with its ServiceAccount's token against the embedded API server (docs/adr/0011), so the
// workflow's rights decide — a workflow whose ServiceAccount may not create Secrets cannot create one
// through a resource template — and the placement rules keep objects in the node's place.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { isNotFound } from '../../../src/adapters/kube/errors.ts';
import { adminClient, isDone } from './helpers.ts';
import { parseWorkflows } from '../../../src/engine/parse.ts';
import { workflowIdentities } from '../../../src/local/workflow-rbac.ts';

const nodes = (wf: Workflow): NodeStatus[] => Object.values(wf.status?.nodes ?? {});
const byDisplay = (wf: Workflow, name: string) => nodes(wf).find((n) => n.displayName === name);
const explain = (wf: Workflow) => JSON.stringify(nodes(wf).map((n) => [n.displayName, n.phase, n.message]));

const ALL_VERBS = ['create', 'get', 'list', 'watch', 'patch', 'update', 'delete'];
/** Rights a ServiceAccount gets on ConfigMaps and Jobs (as an operator's Role would grant). */
const CM_RULES = [{ verbs: ALL_VERBS, resources: ['configmaps', 'jobs.batch'] }];
/** What Argo's examples need from `default`: the executor's rules, plus the objects they manage. */
const EXAMPLE_RULES = [
  { verbs: ALL_VERBS, resources: ['configmaps', 'jobs.batch', 'workflows.argoproj.io', 'pods'] },
  { verbs: ['update'], resources: ['workflows.argoproj.io/finalizers'] },
  { verbs: ['create', 'patch'], resources: ['workflowtaskresults.argoproj.io'] },
].map((r) => ({ ...r, namespaces: ['argo'] }));
const UPSTREAM = join(import.meta.dirname, '../../../../shared/conformance/argo-upstream');
/** An example as `argo submit --strict=false` reads it (k8s-patch-json-workflow.yaml repeats a key, which the strict reading refuses). */
const upstream = (file: string): Workflow => {
  const { workflows, errors } = parseWorkflows(readFileSync(join(UPSTREAM, file), 'utf8'), file, { strict: false });
  assert.deepEqual(errors, []);
  return workflows[0]!;
};

const wfYaml = (text: string): Workflow => parse(text) as Workflow;

describe('resource templates on the local stack', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({ runtime: 'process', resyncIntervalMs: 5000, visibilityTimeoutSeconds: 2 });
    for (const cluster of ['main', 'other']) {
      const c = stack.clusters.get(cluster);
      const executorRules = [
        { verbs: ['create', 'patch'], resources: ['workflowtaskresults.argoproj.io'], namespaces: ['argo'] },
      ];
      const admin = adminClient(stack, cluster);
      try {
        await admin.request({
          method: 'POST',
          path: '/api/v1/namespaces/argo/serviceaccounts',
          body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'cm-writer' } },
        });
      } finally {
        admin.close();
      }
      c.createIdentity('system:serviceaccount:argo:cm-writer', [
        ...CM_RULES.map((r) => ({ ...r, namespaces: ['argo'] })),
        ...executorRules,
      ]);
    }
  });
  after(async () => {
    await stack?.stop();
  });

  test('rights: a ServiceAccount that may not create Secrets cannot create one through a resource template', async () => {
    const created = await stack.submit(
      wfYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: steal-}
spec:
  entrypoint: make-secret
  templates:
  - name: make-secret
    resource:
      action: create
      manifest: |
        apiVersion: v1
        kind: Secret
        metadata: {name: stolen}
        stringData: {token: x}
`),
      'argo',
    );
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 60_000);
    assert.equal(wf.status?.phase, 'Failed', explain(wf));
    const node = nodes(wf).find((n) => n.type === 'Pod');
    assert.match(node?.message ?? '', /exit code 64/);
    assert.match(
      node?.message ?? '',
      /no more retries Error from server \(Forbidden\): error when creating "\/tmp\/manifest.yaml": .*system:serviceaccount:argo:default/,
    );
    const admin = adminClient(stack, 'main');
    try {
      await assert.rejects(
        admin.request({ method: 'GET', path: '/api/v1/namespaces/argo/secrets/stolen' }),
        isNotFound,
      );
    } finally {
      admin.close();
    }
  });

  test('create, wait on a condition (watch), patch, outputs by jsonPath and jqFilter, delete by selector', async () => {
    const created = await stack.submit(
      wfYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: cm-}
spec:
  entrypoint: main
  serviceAccountName: cm-writer
  templates:
  - name: main
    steps:
    - - {name: create, template: create}
    - - name: wait-ready
        template: wait-ready
        arguments: {parameters: [{name: cm, value: "{{steps.create.outputs.parameters.name}}"}]}
      - name: set-ready
        template: set-ready
        arguments: {parameters: [{name: cm, value: "{{steps.create.outputs.parameters.name}}"}]}
    - - {name: cleanup, template: cleanup}
  - name: create
    resource:
      action: create
      manifest: |
        apiVersion: v1
        kind: ConfigMap
        metadata:
          generateName: "{{workflow.name}}-"
          labels: {cleanup: "true"}
        data: {ready: "no"}
    outputs:
      parameters:
      - {name: name, valueFrom: {jsonPath: "{.metadata.name}"}}
      - {name: data, valueFrom: {jqFilter: ".data"}}
  - name: wait-ready
    inputs: {parameters: [{name: cm}]}
    resource:
      action: get
      successCondition: data.ready == yes
      failureCondition: data.ready == broken
      manifest: |
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: "{{inputs.parameters.cm}}"}
    outputs:
      parameters:
      - {name: ready, valueFrom: {jsonPath: "{.data.ready}"}}
  - name: set-ready
    inputs: {parameters: [{name: cm}]}
    resource:
      action: patch
      mergeStrategy: merge
      flags: [configmap, "{{inputs.parameters.cm}}"]
      manifest: |
        data: {ready: "yes"}
  - name: cleanup
    resource:
      action: delete
      flags: [configmap, --selector, cleanup=true]
`),
      'argo',
    );
    const name = created.metadata.name!;
    const wf = await stack.waitFor('argo', name, isDone, 90_000);
    assert.equal(wf.status?.phase, 'Succeeded', explain(wf));
    const create = byDisplay(wf, 'create');
    const cmName = create?.outputs?.parameters?.find((p) => p.name === 'name')?.value;
    assert.match(String(cmName), new RegExp(`^${name}-`));
    assert.equal(create?.outputs?.parameters?.find((p) => p.name === 'data')?.value, '{"ready":"no"}');
    assert.equal(byDisplay(wf, 'wait-ready')?.outputs?.parameters?.[0]?.value, 'yes');
    const admin = adminClient(stack, 'main');
    try {
      await assert.rejects(
        admin.request({ method: 'GET', path: `/api/v1/namespaces/argo/configmaps/${cmName}` }),
        isNotFound,
      );
    } finally {
      admin.close();
    }
  });

  test('manifestFrom.artifact: the manifest comes from an input artifact; in the pod it obeys the placement rules', async () => {
    const created = await stack.submit(
      wfYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: from-art-}
spec:
  entrypoint: main
  serviceAccountName: cm-writer
  templates:
  - name: main
    steps:
    - - name: make
        template: from-artifact
        arguments:
          artifacts:
          - name: manifest
            raw:
              data: |
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: "{{workflow.name}}-from-art"}
                data: {source: artifact}
      - name: elsewhere
        template: from-artifact
        continueOn: {failed: true}
        arguments:
          artifacts:
          - name: manifest
            raw:
              data: |
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: sneaky, namespace: kube-system}
  - name: from-artifact
    inputs:
      artifacts:
      - {name: manifest, path: /tmp/manifest.yaml}
    resource:
      action: create
      manifestFrom: {artifact: {name: manifest}}
    outputs:
      parameters:
      - {name: source, valueFrom: {jsonPath: "{.data.source}"}}
`),
      'argo',
    );
    const name = created.metadata.name!;
    const wf = await stack.waitFor('argo', name, isDone, 90_000);
    assert.equal(wf.status?.phase, 'Succeeded', explain(wf));
    assert.equal(byDisplay(wf, 'make')?.outputs?.parameters?.[0]?.value, 'artifact');
    assert.equal(byDisplay(wf, 'elsewhere')?.phase, 'Failed');
    assert.match(
      byDisplay(wf, 'elsewhere')?.message ?? '',
      /manifest from artifact manifest: manifest namespace "kube-system" differs from the template's namespace "argo"/,
    );
    const admin = adminClient(stack, 'main');
    try {
      const cm = await admin.request<{ data: Record<string, string> }>({
        method: 'GET',
        path: `/api/v1/namespaces/argo/configmaps/${name}-from-art`,
      });
      assert.deepEqual(cm.data, { source: 'artifact' });
      await assert.rejects(
        admin.request({ method: 'GET', path: '/api/v1/namespaces/kube-system/configmaps/sneaky' }),
        isNotFound,
      );
    } finally {
      admin.close();
    }
  });

  test('multi-cluster: a ConfigMap created in cluster other, read back there, its output used in main', async () => {
    const created = await stack.submit(
      wfYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: remote-res-}
spec:
  entrypoint: main
  serviceAccountName: cm-writer
  templates:
  - name: main
    steps:
    - - {name: make, template: make}
    - - name: show
        template: show
        arguments: {parameters: [{name: v, value: "{{steps.make.outputs.parameters.v}}"}]}
  - name: make
    clusterName: other
    resource:
      action: apply
      successCondition: data.v == from-other
      manifest: |
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: "{{workflow.name}}"}
        data: {v: from-other}
    outputs:
      parameters:
      - {name: v, valueFrom: {jqFilter: ".data.v"}}
  - name: show
    inputs: {parameters: [{name: v}]}
    container: {image: argoproj/argosay:v2, args: [echo, "{{inputs.parameters.v}}"]}
`),
      'argo',
    );
    const name = created.metadata.name!;
    const wf = await stack.waitFor('argo', name, isDone, 90_000);
    assert.equal(wf.status?.phase, 'Succeeded', explain(wf));
    assert.equal(byDisplay(wf, 'make')?.outputs?.parameters?.[0]?.value, 'from-other');
    assert.deepEqual(byDisplay(wf, 'show')?.inputs?.parameters, [{ name: 'v', value: 'from-other' }]);
    for (const [cluster, present] of [
      ['other', true],
      ['main', false],
    ] as const) {
      const admin = adminClient(stack, cluster);
      try {
        const get = admin.request({ method: 'GET', path: `/api/v1/namespaces/argo/configmaps/${name}` });
        if (present) await get;
        else await assert.rejects(get, isNotFound);
      } finally {
        admin.close();
      }
    }
  });

  test('placement: a denied namespace and a cluster-scoped kind end the node Error and create nothing', async () => {
    const created = await stack.submit(
      wfYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: placed-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: denied, template: denied, continueOn: {error: true}}
      - {name: cluster-scoped, template: cluster-scoped, continueOn: {error: true}}
  - name: denied
    namespace: kube-system
    resource:
      action: create
      manifest: |
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: sneaky}
  - name: cluster-scoped
    resource:
      action: create
      manifest: |
        apiVersion: v1
        kind: Namespace
        metadata: {name: sneaky}
`),
      'argo',
    );
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 60_000);
    assert.match(byDisplay(wf, 'denied')?.message ?? '', /kube-system/, explain(wf));
    assert.equal(byDisplay(wf, 'denied')?.phase, 'Error');
    assert.equal(byDisplay(wf, 'cluster-scoped')?.phase, 'Error');
    assert.match(byDisplay(wf, 'cluster-scoped')?.message ?? '', /Namespace is cluster-scoped/);
    const admin = adminClient(stack, 'main');
    try {
      await assert.rejects(admin.request({ method: 'GET', path: '/api/v1/namespaces/sneaky' }), isNotFound);
      await assert.rejects(
        admin.request({ method: 'GET', path: '/api/v1/namespaces/kube-system/configmaps/sneaky' }),
        isNotFound,
      );
    } finally {
      admin.close();
    }
  });

  test('multi-cluster: a Job created in cluster other, waited for, its name and counts read as outputs', async () => {
    const created = await stack.submit(
      wfYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: remote-job-}
spec:
  entrypoint: main
  serviceAccountName: cm-writer
  templates:
  - name: main
    steps:
    - - {name: job, template: job}
    - - name: report
        template: report
        arguments: {parameters: [{name: job, value: "{{steps.job.outputs.parameters.job-name}}"}]}
  - name: job
    clusterName: other
    resource:
      action: create
      successCondition: status.succeeded > 1
      failureCondition: status.failed > 0
      manifest: |
        apiVersion: batch/v1
        kind: Job
        metadata: {generateName: count-}
        spec:
          completions: 2
          parallelism: 2
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
              - {name: count, image: alpine:3.23, command: [sh, -c, "echo counted"]}
    outputs:
      parameters:
      - {name: job-name, valueFrom: {jsonPath: "{.metadata.name}"}}
      - {name: succeeded, valueFrom: {jqFilter: ".status.succeeded"}}
  - name: report
    inputs: {parameters: [{name: job}]}
    container: {image: argoproj/argosay:v2, args: [echo, "{{inputs.parameters.job}}"]}
`),
      'argo',
    );
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 120_000);
    assert.equal(wf.status?.phase, 'Succeeded', explain(wf));
    const job = byDisplay(wf, 'job');
    assert.equal(job?.clusterName, 'other');
    const jobName = job?.outputs?.parameters?.find((p) => p.name === 'job-name')?.value;
    assert.match(String(jobName), /^count-/);
    assert.equal(job?.outputs?.parameters?.find((p) => p.name === 'succeeded')?.value, '2');
    assert.deepEqual(byDisplay(wf, 'report')?.inputs?.parameters, [{ name: 'job', value: jobName }]);
    const admin = adminClient(stack, 'other');
    try {
      const j = await admin.request<{ status?: { succeeded?: number } }>({
        method: 'GET',
        path: `/apis/batch/v1/namespaces/argo/jobs/${jobName}`,
      });
      assert.equal(j.status?.succeeded, 2);
    } finally {
      admin.close();
    }
  });

  test('workflow-of-workflows: child Workflows from a WorkflowTemplate, created and waited for (Succeeded)', async () => {
    const admin = adminClient(stack, 'main');
    try {
      const text = readFileSync(join(UPSTREAM, 'examples__workflow-template__templates.yaml'), 'utf8');
      const docs = parseAllDocuments(text).map((d) => d.toJS() as { metadata: { name: string } });
      const submittable = docs.find((d) => d.metadata.name === 'workflow-template-submittable')!;
      await admin.request({
        method: 'POST',
        path: '/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtemplates',
        body: submittable,
      });
    } finally {
      admin.close();
    }
    stack.clusters.get('main').createIdentity('system:serviceaccount:argo:default', EXAMPLE_RULES);
    try {
      const created = await stack.submit(upstream('examples__workflow-of-workflows.yaml'), 'argo');
      const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 120_000);
      assert.equal(wf.status?.phase, 'Succeeded', explain(wf));
    } finally {
      for (const [user, rules] of workflowIdentities('argo')) stack.clusters.get('main').createIdentity(user, rules);
    }
  });

  // Argo's own examples, run as Argo's docs ask: `default` granted rights on the objects they manage.
  const EXAMPLES: [string, string][] = [
    ['examples__k8s-jobs.yaml', 'Succeeded'],
    ['examples__k8s-orchestration.yaml', 'Succeeded'],
    ['examples__k8s-owner-reference.yaml', 'Succeeded'],
    ['examples__k8s-set-owner-reference.yaml', 'Succeeded'],
    ['examples__k8s-patch-pod.yaml', 'Succeeded'],
    ['examples__k8s-patch-merge-pod.yaml', 'Succeeded'],
    ['examples__k8s-patch-json-pod.yaml', 'Succeeded'],
    ['examples__k8s-patch-json-workflow.yaml', 'Succeeded'],
    ['examples__k8s-wait-wf.yaml', 'Succeeded'],
    ['examples__resource-delete-with-flags.yaml', 'Succeeded'],
  ];
  for (const [file, phase] of EXAMPLES) {
    test(`${file} reaches ${phase}`, async () => {
      stack.clusters.get('main').createIdentity('system:serviceaccount:argo:default', EXAMPLE_RULES);
      try {
        const wf0 = upstream(file);
        // k8s-jobs.yaml's `name:` line sits inside its annotation text (Argo does not test it): name it.
        if (!wf0.metadata.name && !wf0.metadata.generateName) wf0.metadata.generateName = 'k8s-jobs-';
        const created = await stack.submit(wf0, 'argo');
        const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 120_000);
        assert.equal(wf.status?.phase, phase, explain(wf));
      } finally {
        for (const [user, rules] of workflowIdentities('argo')) stack.clusters.get('main').createIdentity(user, rules);
      }
    });
  }
});
