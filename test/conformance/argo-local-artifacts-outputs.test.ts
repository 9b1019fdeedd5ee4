// Argo's output/global/conditional artifact examples on the local stack (harness: artifacts-harness.ts):
// globalName → status.outputs.artifacts, fromExpression, optional outputs, logs archiving, retries.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { phaseTests, useArtifactStack } from './artifacts-harness.ts';

useArtifactStack();

describe('Argo’s output and global artifact examples through the local stack', () => {
  const run = phaseTests([
    'examples__archive-location.yaml',
    'examples__conditional-artifacts.yaml',
    'examples__dag-conditional-artifacts.yaml',
    'examples__global-outputs.yaml',
    'examples__workflow-template__workflow-archive-logs.yaml',
    'test__e2e__functional__dag-argument-passing.yaml',
    'test__e2e__functional__global-outputs-dag.yaml',
    'test__e2e__functional__missing-steps.yaml',
    'test__e2e__functional__nested-dag-outputs.yaml',
    'test__e2e__functional__output-artifact-optional.yaml',
    'test__e2e__functional__output-input-artifact-optional.yaml',
    'test__e2e__functional__retry-with-artifacts.yaml',
    'test__e2e__expectedfailures__output-artifact-not-optional.yaml',
  ]);

  test('global-outputs: status.outputs.artifacts carries the global artifact, the exit handler read it', async () => {
    const wf = await run('examples__global-outputs.yaml');
    const art = wf.status?.outputs?.artifacts?.find((a) => a.name === 'my-global-art');
    assert.match(art?.s3?.key ?? '', new RegExp(`^${wf.metadata.name}/.+/hello-art\\.tgz$`));
    assert.equal(art?.globalName, undefined);
    const consumer = Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === 'consume-global-art');
    assert.equal(consumer?.inputs?.artifacts?.[0]?.s3?.key, art?.s3?.key);
  });

  test('conditional-artifacts: the steps output is the artifact of the branch that ran (fromExpression)', async () => {
    const wf = await run('examples__conditional-artifacts.yaml');
    const root = wf.status?.nodes?.[wf.metadata.name ?? ''];
    const side = Object.values(wf.status?.nodes ?? {}).find(
      (n) => (n.displayName === 'heads' || n.displayName === 'tails') && n.phase === 'Succeeded',
    );
    assert.equal(root?.outputs?.artifacts?.[0]?.s3?.key, side?.outputs?.artifacts?.[0]?.s3?.key);
  });
});
