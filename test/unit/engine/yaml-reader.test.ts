// The engine reads podSpecPatch, resource manifests and repository ConfigMap values through the YAML
// reader that engine/yaml-go.ts installs (src/engine/yaml-reader.ts). Before it is installed a decide
// that meets such a document throws YamlReaderMissing — it never decides without reading it. Nothing
// this file imports statically loads engine/yaml-go.ts (the workflows are objects, not YAML).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/decide.ts';
import type { KubePod, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { parseManifest } from '../../../src/engine/resource/manifest.ts';
import { yamlReaderInstalled, YamlReaderMissing } from '../../../src/engine/yaml-reader.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

const snapshot = (podSpecPatch: string): Snapshot => ({
  workflow: {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'patched', namespace: 'argo', uid: 'u1' },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          inputs: { parameters: [{ name: 'mem', value: '1Gi' }] },
          podSpecPatch,
          container: { image: 'argoproj/argosay:v2' },
        },
      ],
    },
  } as unknown as Workflow,
  pods: [],
  controller: { clusterName: 'main' },
});

const GOOD = '{"containers": [{"name": "main", "resources": {"limits": {"memory": "{{inputs.parameters.mem}}"}}}]}';

test('without the reader: a decide meeting a podSpecPatch, and a manifest, throw YamlReaderMissing', () => {
  assert.equal(yamlReaderInstalled(), false);
  assert.throws(() => decide(snapshot(GOOD), NOW), YamlReaderMissing);
  // Not read as "manifest must be a valid yaml".
  assert.throws(() => parseManifest('kind: ConfigMap'), YamlReaderMissing);
});

test('with the reader installed: the patch is applied, and an unreadable one errors the node with Argo’s words', async () => {
  await import('../../../src/engine/yaml-go.ts');
  assert.equal(yamlReaderInstalled(), true);
  const created = decide(snapshot(GOOD), NOW).actions.find((a) => a.kind === 'CreatePod') as { pod: KubePod };
  const main = created.pod.spec.containers.find((c) => c.name === 'main');
  assert.deepEqual(main?.resources, { limits: { memory: '1Gi' } });
  const bad = decide(snapshot('containers: [oops'), NOW);
  const node = Object.values(bad.status.nodes ?? {}).find((n) => n.type === 'Pod');
  assert.equal(node?.phase, 'Error');
  assert.match(node?.message ?? '', /^Error applying PodSpecPatch: invalid podSpecPatch "containers: \[oops": /);
  assert.deepEqual(parseManifest('kind: ConfigMap'), { kind: 'ConfigMap' });
});
