// The reconcile reads the ConfigMaps Argo resolves the artifact repository from. A 403 there must reach
// the engine as a read error (the workflow then ends Error with the API server's words), not as a
// missing ConfigMap that would silently pin the default repository. Parameter ConfigMaps keep "absent".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigMaps } from '../../../src/runtime/configmaps.ts';
import { KubeApiError } from '../../../src/adapters/kube/errors.ts';
import type { KubeClient, KubeRequest } from '../../../src/ports/kube.ts';
import type { Workflow } from '../../../src/engine/types.ts';

function forbiddenClient(): KubeClient {
  return {
    cluster: 'main',
    request: async (req: KubeRequest) => {
      const name = req.path.split('/').pop();
      throw new KubeApiError({
        statusCode: 403,
        reason: 'Forbidden',
        message: `configmaps "${name}" is forbidden: User "argosy" cannot get resource "configmaps"`,
        cluster: 'main',
        verb: 'GET',
        path: req.path,
      });
    },
  } as unknown as KubeClient;
}

const wf = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'w', namespace: 'argo' },
  spec: {
    entrypoint: 'main',
    arguments: { parameters: [{ name: 'p', valueFrom: { configMapKeyRef: { name: 'params', key: 'k' } } }] },
    templates: [
      { name: 'main', container: { image: 'busybox' }, outputs: { artifacts: [{ name: 'a', path: '/tmp/a' }] } },
    ],
  },
} as unknown as Workflow;

test('403 on the repository ConfigMap: a read error naming the cluster, namespace and what to grant', async () => {
  const got = await loadConfigMaps(forbiddenClient(), wf, undefined, 'argosy-system');
  assert.deepEqual(Object.keys(got ?? {}), ['argo/artifact-repositories']);
  const err = got?.['argo/artifact-repositories']?.readError ?? '';
  assert.match(err, /^configmaps "artifact-repositories" is forbidden: /);
  assert.match(err, /cluster "main": the controller needs get on configmaps in namespace "argo"/);
});

test('once the repository is pinned the ConfigMap is not read again', async () => {
  const pinned = { ...wf, status: { artifactRepositoryRef: { default: true } } } as Workflow;
  assert.deepEqual(await loadConfigMaps(forbiddenClient(), pinned, undefined, 'argosy-system'), {});
});
