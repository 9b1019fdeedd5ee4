// OwnerReferencesPermissionEnforcement, as EKS runs it: a pod whose ownerReference blocks its
// Workflow's deletion may only be created by an identity allowed to update workflows/finalizers
// (the reason infra/k8s grants the functions that verb), over real HTTPS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKubeClient } from '../../../src/adapters/kube/http-client.ts';
import { startLocalClusters, type LocalClusters } from '../../../src/local/clusters.ts';
import { FUNCTIONS_SUBJECT, installedRules } from '../../../src/local/identities.ts';

describe('owner references permission enforcement', () => {
  let local: LocalClusters;
  before(async () => {
    local = await startLocalClusters({ names: ['main'], kubelet: false, namespaces: ['argo'] });
  });
  after(async () => {
    await local?.stop();
  });

  const pod = (name: string, block: boolean) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      ownerReferences: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'wf', uid: 'u-1', blockOwnerDeletion: block },
      ],
    },
    spec: { containers: [{ name: 'main', image: 'busybox' }] },
  });

  function clientWith(name: string, rules: ReturnType<typeof installedRules>) {
    const m = local.get('main');
    return createKubeClient({
      cluster: 'main',
      server: m.url,
      tls: { caPem: m.caPem },
      auth: { kind: 'bearer', token: m.createIdentity(name, rules).token },
    });
  }

  test('blockOwnerDeletion needs update on workflows/finalizers; the functions have it', async () => {
    const functions = installedRules('cluster-wide', FUNCTIONS_SUBJECT);
    const withoutFinalizers = functions.filter((r) => !r.resources.includes('workflows/finalizers'));
    const lacking = clientWith('no-finalizers', withoutFinalizers);
    const granted = clientWith('functions', functions);
    try {
      await assert.rejects(
        lacking.request({ method: 'POST', path: '/api/v1/namespaces/argo/pods', body: pod('p1', true) }),
        (e: unknown) =>
          (e as { statusCode?: number }).statusCode === 403 &&
          /cannot set blockOwnerDeletion .* cannot update resource "workflows\/finalizers" in API group "argoproj.io"/.test(
            (e as Error).message,
          ),
      );
      // Without blockOwnerDeletion the same identity may create it.
      await lacking.request({ method: 'POST', path: '/api/v1/namespaces/argo/pods', body: pod('p2', false) });
      await granted.request({ method: 'POST', path: '/api/v1/namespaces/argo/pods', body: pod('p3', true) });
    } finally {
      lacking.close();
      granted.close();
    }
  });
});
