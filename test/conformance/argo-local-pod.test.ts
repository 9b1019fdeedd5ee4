/**
 * Argo's examples for the pod surface and pod-shaped features (issue 16) through the local stack:
 * embedded API servers validating the fields, the scheduler matching node selectors, the kubelet running
 * the executor stand-in. Each case is one of ../shared/conformance/argo-upstream and reaches Argo's phase.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import { parseWorkflows } from '../../src/engine/index.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { SHARED } from '../integration/cli/cli-helpers.ts';
import { adminClient, podsOf } from '../integration/pipeline/helpers.ts';
import { createClaim, getClaim, readPodLog } from '../../src/adapters/kube/resources.ts';
import { isNotFound } from '../../src/adapters/kube/errors.ts';

const DIR = join(SHARED, 'conformance/argo-upstream');
const load = (file: string): Workflow => parseWorkflows(readFileSync(join(DIR, file), 'utf8')).workflows[0] as Workflow;
const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

/** Case → the phase Argo reaches (manifest.json). */
const CASES: Record<string, string> = {
  'examples__pod-spec-patch.yaml': 'Succeeded',
  'examples__pod-spec-patch-wf-tmpl.yaml': 'Succeeded',
  'examples__pod-spec-yaml-patch.yaml': 'Succeeded',
  'examples__pod-spec-from-previous-step.yaml': 'Succeeded',
  'examples__dns-config.yaml': 'Succeeded',
  'examples__node-selector.yaml': 'Succeeded',
  'examples__pod-metadata.yaml': 'Succeeded',
  'examples__pod-metadata-wf-field.yaml': 'Succeeded',
  'examples__image-pull-secrets.yaml': 'Succeeded',
  'examples__init-container.yaml': 'Succeeded',
  'test__e2e__functional__sidecar-force-kill.yaml': 'Succeeded',
  'examples__volumes-emptydir.yaml': 'Succeeded',
  'test__e2e__functional__template_level_host_aliases.yaml': 'Succeeded',
  'test__e2e__functional__workflow_level_host_aliases.yaml': 'Succeeded',
  'examples__volumes-pvc.yaml': 'Succeeded',
  'examples__volumes-existing.yaml': 'Succeeded',
  'test__e2e__functional__sidecar-volumes.yaml': 'Succeeded',
  // The kubelet's influxdb, nginx and curl stand-ins (docs/local-clusters.md): main reaches its sidecar
  // at the pod's loopback, which locally is the pod's own IP.
  'examples__sidecar.yaml': 'Succeeded',
  'examples__sidecar-nginx.yaml': 'Succeeded',
};

/** What `main` printed in the sidecar examples: the sidecar's answers. */
const SIDECAR_ANSWERS: Record<string, RegExp> = {
  'examples__sidecar.yaml': /\{"results":\[\{"statement_id":0\}\]\}/,
  'examples__sidecar-nginx.yaml': /Welcome to nginx!/,
};

let stack: LocalStack;
before(async () => {
  stack = await startLocalStack({ resyncIntervalMs: 2000 });
  // Argo's e2e environment creates the claim volumes-existing mounts (test/e2e/manifests testvolume.yaml).
  await createClaim(stack.mainClient, 'argo', {
    metadata: { name: 'my-existing-volume' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } },
  });
});
after(async () => {
  await stack?.stop();
});

describe('Argo’s pod-surface, init-container and sidecar examples through the local stack', () => {
  const results = new Map<string, Promise<Workflow>>();
  const run = (file: string): Promise<Workflow> => {
    let p = results.get(file);
    if (!p) {
      p = stack.submit(load(file)).then((s) => stack.waitFor('argo', s.metadata.name ?? '', done, 120_000));
      results.set(file, p);
    }
    return p;
  };
  before(() => {
    for (const file of Object.keys(CASES)) run(file).catch(() => undefined);
  });
  for (const [file, phase] of Object.entries(CASES)) {
    test(`${file} → ${phase}`, async () => {
      const wf = await run(file);
      const why = Object.values(wf.status?.nodes ?? {})
        .filter((n) => n.message)
        .map((n) => `${n.displayName}: ${n.phase} ${n.message}`)
        .join('; ');
      assert.equal(wf.status?.phase, phase, `${file}: ${wf.status?.message ?? ''} (${why})`);
    });
  }

  for (const [file, answer] of Object.entries(SIDECAR_ANSWERS)) {
    test(`${file}: main's log shows the sidecar's answer`, async () => {
      const wf = await run(file);
      const pods = await podsOf(stack, wf.metadata.name ?? '', ['main']);
      const main = adminClient(stack, 'main');
      const log = await readPodLog(main, 'argo', pods[0]?.pod.metadata.name ?? '', { container: 'main' }).finally(() =>
        main.close(),
      );
      assert.match(log, answer);
    });
  }

  test('volumes-pvc: the claim was made next to the workflow, shared by both steps, and deleted on success', async () => {
    const wf = await run('examples__volumes-pvc.yaml');
    const name = wf.metadata.name ?? '';
    const pods = await podsOf(stack, name, ['main']);
    const print = pods.find((p) => p.pod.metadata.annotations?.['workflows.argoproj.io/node-name']?.endsWith('.print'));
    const vol = (print?.pod.spec.volumes as { name: string; persistentVolumeClaim?: unknown }[]).find(
      (v) => v.name === 'workdir',
    );
    assert.deepEqual(vol?.persistentVolumeClaim, { claimName: `${name}-workdir` });
    assert.equal(wf.status?.persistentVolumeClaims, undefined, 'volumeClaimGC removed it from the status');
    const gone = await getClaim(stack.mainClient, 'argo', `${name}-workdir`).then(
      () => false,
      (e: unknown) => isNotFound(e),
    );
    assert.ok(gone, 'the claim is deleted (OnWorkflowSuccess)');
  });

  test('the sidecar was stopped by its emissary after main (143) and did not fail the node', async () => {
    const wf = await run('test__e2e__functional__sidecar-force-kill.yaml');
    const [p] = await podsOf(stack, wf.metadata.name ?? '', ['main']);
    const sleep = p?.pod.status?.containerStatuses?.find((c) => c.name === 'sleep');
    assert.equal(sleep?.state?.terminated?.exitCode, 143);
    assert.equal(wf.status?.nodes?.[wf.metadata.name ?? '']?.phase, 'Succeeded');
  });

  test('the patched resources and the DNS config are on the pods the API server stored', async () => {
    const patched = await run('examples__pod-spec-patch-wf-tmpl.yaml');
    const [p] = await podsOf(stack, patched.metadata.name ?? '', ['main']);
    const main = p?.pod.spec.containers.find((c) => c.name === 'main');
    assert.deepEqual((main?.resources as { limits?: unknown })?.limits, { cpu: '100m', memory: '100Mi' });
    const dns = await run('examples__dns-config.yaml');
    const [d] = await podsOf(stack, dns.metadata.name ?? '', ['main']);
    assert.deepEqual(d?.pod.spec.dnsConfig, { nameservers: ['1.2.3.4'], options: [{ name: 'ndots', value: '2' }] });
  });
});
