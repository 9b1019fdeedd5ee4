// Argo's input-artifact examples on the local stack (harness: artifacts-harness.ts): raw, http (served
// on loopback), s3 with the user's own bucket and Secret, optional and missing inputs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { phaseTests, useArtifactStack } from './artifacts-harness.ts';

useArtifactStack();

describe('Argo’s input-artifact examples through the local stack', () => {
  const run = phaseTests([
    'examples__arguments-artifacts.yaml',
    'examples__input-artifact-http.yaml',
    'examples__input-artifact-raw.yaml',
    'examples__input-artifact-s3.yaml',
    'examples__output-artifact-s3.yaml',
    'test__e2e__functional__global-param-sub-with-artifacts.yaml',
    'test__e2e__functional__input-artifact-optional.yaml',
    'test__e2e__functional__param-sub-with-artifacts.yaml',
    'test__e2e__functional__script-with-input-art.yaml',
    'test__e2e__expectedfailures__failed-artifact-load.yaml',
    'test__e2e__expectedfailures__input-artifact-not-optional.yaml',
  ]);

  test('a missing required input artifact fails with Argo’s message', async () => {
    const wf = await run('test__e2e__expectedfailures__input-artifact-not-optional.yaml');
    const msgs = Object.values(wf.status?.nodes ?? {}).map((n) => n.message ?? '');
    assert.ok(
      msgs.some((m) => /inputs\.artifacts\.kubectl was not supplied|required artifact 'kubectl' not supplied/.test(m)),
      msgs.join('; '),
    );
  });

  test('input-artifact-http: the downloaded file was found on PATH and ran (mode 0755)', async () => {
    const wf = await run('examples__input-artifact-http.yaml');
    assert.equal(wf.status?.phase, 'Succeeded');
  });
});
