// Artifact garbage collection through the whole local stack: the reconcile starts GC pods
// (`argoexec artifact delete`, the executor stand-in) in the place each artifact's node ran in, the pods
// delete from the S3 emulator with that namespace's Secret and report into their
// WorkflowArtifactGCTask, and the workflow's finalizer goes once everything is collected.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { bucketObject, isDone } from '../pipeline/helpers.ts';
import { createLogger } from '../../../src/logger.ts';
import { isNotFound } from '../../../src/adapters/kube/errors.ts';
import { workflowPath } from '../../../src/adapters/kube/resources.ts';
import { ARTIFACT_GC_FINALIZER } from '../../../src/engine/artifact-gc/strategy.ts';

const UPSTREAM = join(import.meta.dirname, '../../../../shared/conformance/argo-upstream');
const upstream = (file: string): Workflow => parse(readFileSync(join(UPSTREAM, file), 'utf8')) as Workflow;
const LONG = 120_000;

describe('artifact GC on the local stack', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({
      runtime: 'process',
      resyncIntervalMs: 5000,
      visibilityTimeoutSeconds: 2,
      ...(process.env.GC_DEBUG ? { logger: createLogger({ level: 'INFO' }) } : {}),
    });
  });
  after(async () => {
    await stack?.stop();
  });

  const object = (key: string) => bucketObject(stack, key);

  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const end = Date.now() + LONG;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function deleteAndWaitGone(name: string): Promise<void> {
    await stack.mainClient.request({ method: 'DELETE', path: workflowPath('argo', name) });
    await until(`workflow ${name} to go`, async () => {
      try {
        await stack.mainClient.request({ method: 'GET', path: workflowPath('argo', name) });
        return undefined;
      } catch (e) {
        return isNotFound(e) ? true : undefined;
      }
    });
  }

  test('artifact-gc-workflow.yaml: the per-artifact OnWorkflowCompletion goes at completion, the rest at deletion', async () => {
    const created = await stack.submit(upstream('examples__artifact-gc-workflow.yaml'), 'argo');
    const name = created.metadata.name!;
    const done = await stack.waitFor('argo', name, isDone, LONG);
    assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
    assert.ok(done.metadata.finalizers?.includes(ARTIFACT_GC_FINALIZER), JSON.stringify(done.metadata.finalizers));
    assert.ok(await object('on-deletion.txt'), 'on-deletion uploaded');
    const collected = await stack.waitFor(
      'argo',
      name,
      (w) => Object.keys(w.status?.artifactGCStatus?.podsRecouped ?? {}).length > 0,
      LONG,
    );
    assert.equal(await object('on-completion.txt'), undefined, 'on-completion deleted at completion');
    assert.ok(await object('on-deletion.txt'), 'on-deletion kept until the workflow is deleted');
    const arts = Object.values(collected.status?.nodes ?? {}).flatMap((n) => n.outputs?.artifacts ?? []);
    assert.equal(arts.find((a) => a.name === 'on-completion')?.deleted, true);
    assert.ok(!arts.find((a) => a.name === 'on-deletion')?.deleted);
    assert.ok(collected.metadata.finalizers?.includes(ARTIFACT_GC_FINALIZER), 'held for on-deletion');
    await deleteAndWaitGone(name);
    assert.equal(await object('on-deletion.txt'), undefined, 'on-deletion deleted with the workflow');
  });

  test('an artifact produced in cluster other is deleted by a GC pod there', async () => {
    const wf = {
      metadata: { generateName: 'artgc-other-' },
      spec: {
        entrypoint: 'main',
        artifactGC: { strategy: 'OnWorkflowCompletion' },
        templates: [
          {
            name: 'main',
            clusterName: 'other',
            container: { image: 'argoproj/argosay:v2', command: ['sh', '-c'], args: ['echo hi > /tmp/x.txt'] },
            outputs: { artifacts: [{ name: 'x', path: '/tmp/x.txt' }] },
          },
        ],
      },
    };
    const created = await stack.submit(wf, 'argo');
    const name = created.metadata.name!;
    const done = await stack.waitFor('argo', name, isDone, LONG);
    assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
    const key = Object.values(done.status?.nodes ?? {}).flatMap((n) => n.outputs?.artifacts ?? [])[0]?.s3?.key;
    assert.ok(key);
    const released = await stack.waitFor(
      'argo',
      name,
      (w) => !w.metadata.finalizers?.includes(ARTIFACT_GC_FINALIZER),
      LONG,
    );
    assert.deepEqual(Object.keys(released.status?.artifactGCStatus?.podsRecouped ?? {}), [
      `other/argo/${name}-artgc-wfcomp-2166136261`,
    ]);
    assert.equal(await object(key), undefined, 'deleted from the repository');
    await deleteAndWaitGone(name);
  });

  test('a GC pod that cannot be created is visible, and forceFinalizerRemoval lets the deletion finish', async () => {
    const wf = {
      metadata: { generateName: 'artgc-refused-' },
      spec: {
        entrypoint: 'main',
        artifactGC: {
          strategy: 'OnWorkflowDeletion',
          serviceAccountName: 'no-such-account',
          forceFinalizerRemoval: true,
        },
        templates: [
          {
            name: 'main',
            container: { image: 'argoproj/argosay:v2', command: ['sh', '-c'], args: ['echo hi > /tmp/y.txt'] },
            outputs: { artifacts: [{ name: 'y', path: '/tmp/y.txt' }] },
          },
        ],
      },
    };
    const created = await stack.submit(wf, 'argo');
    const name = created.metadata.name!;
    const done = await stack.waitFor('argo', name, isDone, LONG);
    assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
    const key = Object.values(done.status?.nodes ?? {}).flatMap((n) => n.outputs?.artifacts ?? [])[0]?.s3?.key;
    // The condition lives only until the finalizer goes (forceFinalizerRemoval: at once); the event stays.
    await deleteAndWaitGone(name);
    const events = await stack.mainClient.request<{
      items: { reason?: string; type?: string; message?: string; involvedObject?: { name?: string } }[];
    }>({ method: 'GET', path: '/api/v1/namespaces/argo/events' });
    const failed = events.items.filter((e) => e.involvedObject?.name === name && e.reason === 'ArtifactGCFailed');
    assert.equal(failed.length, 1, JSON.stringify(events.items.map((e) => [e.involvedObject?.name, e.reason])));
    assert.equal(failed[0]!.type, 'Warning');
    assert.match(
      failed[0]!.message ?? '',
      /could not start artifact garbage collection pod .* in main\/argo: .*no-such-account/,
    );
    assert.ok(key && (await object(key)), 'the object stays: GC could not run, and the event said so');
  });
});
