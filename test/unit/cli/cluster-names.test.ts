// `argosy submit` names a clusterName the target has not configured, with the closest configured one
// (issue 13: othr → other), using lint's check (src/cli/lib/cluster-names.ts) on the target's
// rest-config entries; when they cannot be read it says nothing (the controller's node message does).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unconfiguredClusters } from '../../../src/cli/lib/cluster-names.ts';
import type { ClusterTarget } from '../../../src/ports/kube.ts';
import { wfFromYaml } from '../engine/fixtures.ts';

const placed = wfFromYaml(`
spec:
  entrypoint: main
  arguments: {parameters: [{name: c, value: other}]}
  templates:
  - {name: main, steps: [[{name: a, template: a}, {name: b, template: b}]]}
  - {name: a, clusterName: othr, container: {image: busybox}}
  - {name: b, clusterName: "{{workflow.parameters.c}}", container: {image: busybox}}
`);
const entries: ClusterTarget[] = [
  { key: 'other.argo', cluster: 'other', namespace: 'argo' },
  { key: 'other.', cluster: 'other', namespace: '' },
];

describe('submit: clusterName not configured', () => {
  test('named with the configured clusters (main + rest-config entries) and the closest one', async () => {
    assert.deepEqual(await unconfiguredClusters(placed, 'main', async () => entries), [
      'spec.templates[1].clusterName: cluster "othr" is not configured (configured: main, other); did you mean other?',
    ]);
  });

  test('configured names pass; unreadable entries say nothing', async () => {
    const ok = wfFromYaml(`
spec:
  entrypoint: a
  templates:
  - {name: a, clusterName: other, container: {image: busybox}}
`);
    assert.deepEqual(await unconfiguredClusters(ok, 'main', async () => entries), []);
    assert.deepEqual(await unconfiguredClusters(placed, 'main', async () => 'secrets is forbidden'), []);
  });

  test('a workflow naming no literal cluster does not read the configured clusters', async () => {
    const local = wfFromYaml(`
spec:
  entrypoint: a
  templates:
  - {name: a, container: {image: busybox}}
`);
    let read = 0;
    const configured = async () => (read++, entries);
    assert.deepEqual(await unconfiguredClusters(local, 'main', configured), []);
    assert.equal(read, 0);
  });
});
