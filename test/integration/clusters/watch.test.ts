// The thin client's watch against an embedded API server: real events, then 410 Gone for a
// resourceVersion older than the server's (deliberately tiny) history.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalClusters, type LocalClusters } from '../../../src/local/clusters.ts';
import { createKubeClient, type HttpKubeClient } from '../../../src/adapters/kube/http-client.ts';
import { isGone } from '../../../src/adapters/kube/errors.ts';
import { createPod, deletePod, listPods, patchPod, podsPath } from '../../../src/adapters/kube/resources.ts';

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'main', image: 'x' }] },
});

describe('watch against an embedded API server', () => {
  let local: LocalClusters;
  let kube: HttpKubeClient;
  before(async () => {
    local = await startLocalClusters({
      names: ['w'],
      kubelet: false,
      crds: false,
      historySize: 5,
      namespaces: ['argo'],
    });
    const c = local.get('w');
    kube = createKubeClient({
      cluster: 'w',
      server: c.url,
      tls: { caPem: c.caPem },
      auth: { kind: 'bearer', token: c.adminToken },
    });
  });
  after(async () => {
    kube?.close();
    await local?.stop();
  });

  test('delivers ADDED, MODIFIED and DELETED from a list resourceVersion', async () => {
    const list = await listPods(kube, 'argo');
    const seen: string[] = [];
    const ac = new AbortController();
    const done = kube.watch(
      podsPath('argo'),
      { resourceVersion: list.metadata.resourceVersion },
      (type, obj) => {
        seen.push(`${type} ${(obj.metadata as { name: string }).name}`);
        if (type === 'DELETED') ac.abort();
      },
      ac.signal,
    );
    await createPod(kube, 'argo', pod('a'));
    await patchPod(kube, 'argo', 'a', { metadata: { labels: { x: 'y' } } });
    await deletePod(kube, 'argo', 'a', { gracePeriodSeconds: 0 });
    await done;
    assert.deepEqual(seen.slice(0, 2), ['ADDED a', 'MODIFIED a']);
    assert.equal(seen.at(-1), 'DELETED a');
  });

  test('an expired resourceVersion rejects with a 410 KubeApiError', async () => {
    const rv = (await listPods(kube, 'argo')).metadata.resourceVersion;
    for (let i = 0; i < 8; i++) await createPod(kube, 'argo', pod(`p${i}`));
    const err = await kube.watch(podsPath('argo'), { resourceVersion: rv }, () => undefined).catch((e: unknown) => e);
    assert.ok(isGone(err), String(err));
  });
});
