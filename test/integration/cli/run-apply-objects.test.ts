/**
 * `argosy run --apply` with the core objects Argo's examples need besides templates and ConfigMaps: the
 * PersistentVolumeClaim of examples/testvolume.yaml (Argo's examples_test.go applies every ConfigMap,
 * PVC, WorkflowTemplate and ClusterWorkflowTemplate of examples/ first) for volumes-existing.yaml, and
 * the Secret secrets.yaml's comment asks its user to create. Without them the pods wait (Unschedulable,
 * CreateContainerConfigError); with them both reach Succeeded on their own stack (process runtime), and
 * the report line names the object, never the Secret's data.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, scratch, SHARED, writeFile } from './cli-helpers.ts';

const dir = scratch();
const UP = join(SHARED, 'conformance/argo-upstream');
after(() => rmSync(dir, { recursive: true, force: true }));

async function runWith(example: string, apply: string): Promise<{ phase: string; stderr: string }> {
  const r = await runCli(
    ['run', '--runtime', 'process', '--apply', apply, '-o', 'json', join(UP, example)],
    dir,
    170_000,
  );
  assert.equal(r.code, 0, r.stderr);
  return { phase: (JSON.parse(r.stdout) as { status: { phase: string } }).status.phase, stderr: r.stderr };
}

describe('argosy run --apply: Secrets and PersistentVolumeClaims', () => {
  test('volumes-existing.yaml runs on the claim testvolume.yaml declares', async () => {
    const r = await runWith('examples__volumes-existing.yaml', join(UP, 'examples__testvolume.yaml'));
    assert.match(r.stderr, /persistentvolumeclaim\/my-existing-volume created/);
    assert.equal(r.phase, 'Succeeded');
  });

  test('secrets.yaml reads the Secret its comment asks for, from env and from a volume', async () => {
    const secret = writeFile(
      dir,
      'my-secret.yaml',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: my-secret}\nstringData: {mypassword: S00perS3cretPa55word}\n',
    );
    const r = await runWith('examples__secrets.yaml', secret);
    assert.match(r.stderr, /secret\/my-secret created/);
    assert.doesNotMatch(r.stderr, /S00perS3cretPa55word/);
    assert.equal(r.phase, 'Succeeded');
  });
});
