// Argo's artifact-passing examples on the local stack (harness: artifacts-harness.ts): from/subPath,
// archive none/tar, repository refs, key-only artifacts, map-reduce over key-only artifacts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketObject, nodeNamed, phaseTests, useArtifactStack } from './artifacts-harness.ts';

useArtifactStack();

describe('Argo’s artifact-passing examples through the local stack', () => {
  const run = phaseTests([
    'examples__artifact-disable-archive.yaml',
    'examples__artifact-passing-subpath.yaml',
    'examples__artifact-passing.yaml',
    'examples__artifact-repository-ref.yaml',
    'examples__key-only-artifact.yaml',
    'examples__map-reduce.yaml',
    'examples__nested-workflow.yaml',
    'test__e2e__functional__artifact-input-output-samedir.yaml',
  ]);

  test('key-only-artifact: the object lives under the declared key, reported as declared', async () => {
    const wf = await run('examples__key-only-artifact.yaml');
    const gen = nodeNamed(wf, '.generate');
    assert.deepEqual(gen?.outputs?.artifacts?.find((a) => a.name === 'file')?.s3, { key: 'my-file' });
    const bytes = await bucketObject('my-file');
    assert.ok(bytes && bytes[0] === 0x1f && bytes[1] === 0x8b, 'tar.gz at my-file');
  });

  test('map-reduce: four parts mapped and reduced to total 20 in the bucket', async () => {
    const wf = await run('examples__map-reduce.yaml');
    const total = await bucketObject(`${wf.metadata.name}/total.json`);
    assert.deepEqual(JSON.parse(total?.toString() ?? 'null'), { total: 20 });
  });

  test('artifact-disable-archive: /etc is uploaded as a tree under its basename (archive none)', async () => {
    const wf = await run('examples__artifact-disable-archive.yaml');
    const etc = nodeNamed(wf, '[0].generate-artifact')?.outputs?.artifacts?.find((a) => a.name === 'etc');
    assert.match(etc?.s3?.key ?? '', /\/etc$/);
    assert.ok(await bucketObject(`${etc?.s3?.key}/passwd`), 'etc/passwd is an object of the tree');
  });

  test('artifact-repository-ref: the workflow pinned the repository under key my-key', async () => {
    const wf = await run('examples__artifact-repository-ref.yaml');
    assert.equal(wf.status?.artifactRepositoryRef?.key, 'my-key');
  });
});
