// A workflow cannot reach a cluster/namespace the placement policy denies, whatever its YAML says.
// Local policy: workflows of namespace `argo` may use `argo` (same name) and `batch` in any configured
// cluster; `default` and `kube-system` are denied. Each attempt must end with the workflow failed
// (Error/Failed, a message naming the refusal or the unsupported feature) and no pod anywhere denied.
// Also: a namespace-scoped entry (`other.batch`) is never used for another namespace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { adminClient, captureLog, faultStack, podsOf, runToEnd } from '../faults/helpers.ts';

const DENIED = new Set(['default', 'kube-system']);
const say = { image: 'argoproj/argosay:v2' };

function wf(name: string, spec: Record<string, unknown>): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: { entrypoint: 'main', ...spec },
  } as Workflow;
}

const attempts: [string, Workflow][] = [
  [
    'templated clusterName/namespace from workflow parameters',
    wf('templated', {
      arguments: {
        parameters: [
          { name: 'c', value: 'other' },
          { name: 'ns', value: 'default' },
        ],
      },
      templates: [
        {
          name: 'main',
          clusterName: '{{workflow.parameters.c}}',
          namespace: '{{workflow.parameters.ns}}',
          container: say,
        },
      ],
    }),
  ],
  [
    'templated namespace from an input parameter of a step',
    wf('inputs', {
      templates: [
        {
          name: 'main',
          steps: [[{ name: 's', template: 'run', arguments: { parameters: [{ name: 'ns', value: 'kube-system' }] } }]],
        },
        {
          name: 'run',
          inputs: { parameters: [{ name: 'ns' }] },
          clusterName: 'other',
          namespace: '{{inputs.parameters.ns}}',
          container: say,
        },
      ],
    }),
  ],
  [
    'exit handler placed in a denied namespace',
    wf('exit', {
      onExit: 'bye',
      templates: [
        { name: 'main', container: say },
        { name: 'bye', clusterName: 'other', namespace: 'default', container: say },
      ],
    }),
  ],
  [
    'retries of a denied step',
    wf('retries', {
      templates: [
        { name: 'main', retryStrategy: { limit: 3 }, clusterName: 'other', namespace: 'default', container: say },
      ],
    }),
  ],
  [
    'templateRef to a WorkflowTemplate of another namespace',
    wf('tref', {
      templates: [{ name: 'main', steps: [[{ name: 's', templateRef: { name: 'sneaky', template: 'run' } }]] }],
    }),
  ],
  [
    'templateRef to a ClusterWorkflowTemplate that places pods in a denied namespace',
    wf('ctref', {
      templates: [
        {
          name: 'main',
          steps: [[{ name: 's', templateRef: { name: 'sneaky-cluster', template: 'run', clusterScope: true } }]],
        },
      ],
    }),
  ],
];

describe('placement policy cannot be bypassed', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await faultStack(captureLog('WARN'), { maxReceiveCount: 2 });
    const run = { name: 'run', clusterName: 'other', namespace: 'default', container: say };
    const main = adminClient(stack, 'main');
    try {
      await main
        .request({
          method: 'POST',
          path: '/api/v1/namespaces',
          body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
        })
        .catch(() => undefined);
      await main.request({
        method: 'POST',
        path: '/apis/argoproj.io/v1alpha1/namespaces/default/workflowtemplates',
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'WorkflowTemplate',
          metadata: { name: 'sneaky' },
          spec: { templates: [run] },
        },
      });
      await main.request({
        method: 'POST',
        path: '/apis/argoproj.io/v1alpha1/clusterworkflowtemplates',
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'ClusterWorkflowTemplate',
          metadata: { name: 'sneaky-cluster' },
          spec: { templates: [run] },
        },
      });
    } finally {
      main.close();
    }
  });
  after(async () => {
    await stack?.stop();
  });

  for (const [what, workflow] of attempts) {
    test(`${what}: fails cleanly, no pod in a denied namespace`, async () => {
      const done = await runToEnd(stack, workflow, 30_000);
      const pods = await podsOf(stack, done.metadata.name!);
      const denied = pods.filter((p) => DENIED.has(p.namespace));
      assert.deepEqual(
        denied.map((p) => `${p.cluster}/${p.namespace}/${p.pod.metadata.name}`),
        [],
      );
      const nodes = Object.values(done.status?.nodes ?? {});
      assert.match(done.status?.phase ?? '', /Error|Failed/, `phase ${done.status?.phase}`);
      assert.ok(done.status?.message || nodes.some((n) => n.message), 'a message says why');
    });
  }
});

describe('a namespace-scoped entry is used only in its namespace', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await faultStack(captureLog('WARN'), { maxReceiveCount: 2 });
    const path = '/api/v1/namespaces/argosy-system/secrets/rest-config';
    const secret = await stack.mainClient.request<{ data: Record<string, string> }>({ method: 'GET', path });
    // Only `other.batch` remains: no entry covers other/argo.
    await stack.mainClient.request({
      method: 'PATCH',
      path,
      contentType: 'application/merge-patch+json',
      body: { data: { 'other.': null, 'other.batch': secret.data['other.'] } },
    });
    await stack.registry.refresh(true);
  });
  after(async () => {
    await stack?.stop();
  });

  const placed = (name: string, namespace: string) =>
    wf(name, { templates: [{ name: 'main', clusterName: 'other', namespace, container: say }] });

  test('other/batch works through other.batch', async () => {
    const done = await runToEnd(stack, placed('scoped-ok', 'batch'), 30_000);
    assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
  });

  test('other/argo is "not configured", not reached with the batch entry', async () => {
    const done = await runToEnd(stack, placed('scoped-no', 'argo'), 30_000);
    assert.equal(done.status?.phase, 'Error');
    assert.match(JSON.stringify(done.status), /not configured/);
    assert.equal((await podsOf(stack, done.metadata.name!, ['other'])).length, 0);
  });
});
