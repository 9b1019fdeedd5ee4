// The kubectl part of the local `argoexec resource`: which kind a manifest names, found by discovery on an
// embedded API server over HTTPS. A kind no CRD declares gets kubectl's "ensure CRDs are installed first";
// a built-in kind local clusters do not serve (Service, StatefulSet) says so instead of pointing at a CRD.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKubeClient, type HttpKubeClient } from '../../../src/adapters/kube/http-client.ts';
import { startLocalClusters, type LocalClusters } from '../../../src/local/clusters.ts';
import { resourceForKind } from '../../../src/local/kubelet/argoexec/kube-object.ts';

describe('argoexec resource: kind discovery on a local cluster', () => {
  let local: LocalClusters;
  let client: HttpKubeClient;
  before(async () => {
    local = await startLocalClusters({ names: ['main'], kubelet: false });
    const m = local.get('main');
    client = createKubeClient({
      cluster: 'main',
      server: m.url,
      tls: { caPem: m.caPem },
      auth: { kind: 'bearer', token: m.adminToken },
    });
  });
  after(async () => {
    client?.close?.();
    await local?.stop();
  });

  test('served kinds resolve to their resource', async () => {
    assert.deepEqual(await resourceForKind(client, 'v1', 'ConfigMap'), {
      group: '',
      version: 'v1',
      name: 'configmaps',
      kind: 'ConfigMap',
      namespaced: true,
    });
    assert.equal((await resourceForKind(client, 'batch/v1', 'Job')).name, 'jobs');
    assert.equal((await resourceForKind(client, 'argoproj.io/v1alpha1', 'Workflow')).name, 'workflows');
  });

  test('a custom kind without its CRD: kubectl’s words', async () => {
    await assert.rejects(resourceForKind(client, 'route.openshift.io/v1', 'Route'), {
      message:
        'resource mapping not found for kind "Route" in version "route.openshift.io/v1"; ensure CRDs are installed first',
    });
  });

  test('a built-in kind local clusters do not serve: named as such, not as a missing CRD', async () => {
    for (const [apiVersion, kind] of [
      ['v1', 'Service'],
      ['apps/v1', 'StatefulSet'],
      ['networking.k8s.io/v1', 'Ingress'],
    ] as const) {
      await assert.rejects(resourceForKind(client, apiVersion, kind), (e: Error) => {
        assert.equal(
          e.message,
          `resource mapping not found for kind "${kind}" in version "${apiVersion}": local clusters do not serve this built-in kind (docs/local-clusters.md lists the kinds they serve); run the workflow on a real cluster`,
        );
        return true;
      });
    }
  });
});
