// Argo's expression and parameter examples through the whole local stack (embedded API servers, the
// process kubelet, fauxqs, watcher, reconcile handler): `{{=...}}` in `when`, jsonpath and sprig, and
// workflow arguments from a ConfigMap the controller reads from the workflow's namespace in the main
// cluster (with the RBAC infra/ installs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { adminClient, isDone } from './helpers.ts';

const UPSTREAM = join(import.meta.dirname, '../../../../shared/conformance/argo-upstream');
const upstream = <T>(file: string): T => parse(readFileSync(join(UPSTREAM, file), 'utf8')) as T;
const nodesOf = (wf: Workflow): Map<string, NodeStatus> =>
  new Map(Object.values(wf.status?.nodes ?? {}).map((n) => [n.name.slice(wf.metadata.name!.length), n]));

describe('expressions and ConfigMap parameters on the local stack', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({ runtime: 'process', resyncIntervalMs: 5000, visibilityTimeoutSeconds: 2 });
  });
  after(async () => {
    await stack?.stop();
  });

  test('steps-when-expr-filter.yaml: expression tags in inputs, when (with govaluate in) and arguments', async () => {
    const created = await stack.submit(
      upstream<Workflow>('test__e2e__functional__steps-when-expr-filter.yaml'),
      'argo',
    );
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 60_000);
    const n = nodesOf(wf);
    assert.equal(wf.status?.phase, 'Succeeded', JSON.stringify([...n].map(([k, v]) => [k, v.phase, v.message])));
    const names = [
      '(0:name:first,type:)',
      '(1:name:second,type:always)',
      '(2:name:third,type:test)',
      '(3:name:fourth)',
    ];
    for (const s of names) {
      assert.equal(n.get(`[0].fst${s}`)?.type, 'Pod', s);
      assert.equal(n.get(`[0].fst${s}`)?.phase, 'Succeeded', s);
    }
  });

  test('dag-when-expr-skip.yaml: a false expression when skips a task whose arguments cannot evaluate', async () => {
    const created = await stack.submit(upstream<Workflow>('test__e2e__functional__dag-when-expr-skip.yaml'), 'argo');
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 60_000);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const b = nodesOf(wf).get('.B');
    assert.equal(b?.type, 'Skipped');
    assert.equal(b?.phase, 'Skipped');
    assert.equal(b?.message, "when 'false' evaluated false");
  });

  test('global-parameters-from-configmap.yaml: the argument comes from the labelled ConfigMap', async () => {
    const admin = adminClient(stack, 'main');
    try {
      const cm = upstream<Record<string, unknown>>('examples__configmaps__simple-parameters-configmap.yaml');
      await admin.request({ method: 'POST', path: '/api/v1/namespaces/argo/configmaps', body: cm });
    } finally {
      admin.close();
    }
    const created = await stack.submit(upstream<Workflow>('examples__global-parameters-from-configmap.yaml'), 'argo');
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 60_000);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const root = nodesOf(wf).get('');
    assert.equal(root?.type, 'Pod');
    assert.equal(root?.phase, 'Succeeded');
  });

  test('a missing ConfigMap errors the workflow with Argo message', async () => {
    const wf0 = upstream<Workflow>('examples__global-parameters-from-configmap.yaml');
    const arg = wf0.spec.arguments?.parameters?.[0];
    if (arg?.valueFrom?.configMapKeyRef) arg.valueFrom.configMapKeyRef.name = 'no-such-configmap';
    const created = await stack.submit(wf0, 'argo');
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 60_000);
    assert.equal(wf.status?.phase, 'Error');
    assert.match(
      wf.status?.message ?? '',
      /^failed to set global parameter message from configmap with name no-such-configmap and key msg: ConfigMap 'no-such-configmap' does not exist/,
    );
  });
});
