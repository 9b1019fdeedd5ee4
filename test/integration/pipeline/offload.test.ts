// Node status offload end to end (Argo's status.offloadNodeStatusVersion): the local stack with
// ALWAYS_OFFLOAD_NODE_STATUS, so a small workflow exercises the path a 100,000-node one takes. The
// nodes go to the controller's bucket in the S3 emulator, every reader gets them back (the reconcile
// drives the workflow to Succeeded through them; `argosy get`, `get -o json`, `list -o wide` and
// `logs` as a user runs them; the UI's backend), only the current version is kept, and deleting the
// workflow deletes its node status. The stack runs without the periodic resync, so a resume that
// goes on was seen by the watcher reading the nodes; a version deleted by hand ends the workflow Error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Workflow } from '../../../src/engine/types.ts';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { s3Store } from '../../../src/adapters/artifacts/s3.ts';
import type { ArtifactStore } from '../../../src/adapters/artifacts/store.ts';
import {
  EMULATOR_KEYS,
  LOCAL_STATUS_BUCKET,
  s3NodeStatusStore,
} from '../../../src/adapters/artifacts/node-status-s3.ts';
import { offloadKey, offloadPrefix, readHydrated } from '../../../src/adapters/kube/offloaded-nodes.ts';
import { WORKFLOW_FINALIZER } from '../../../src/engine/contract.ts';
import { resumeWorkflow } from '../../../src/engine/index.ts';
import { writeWorkflow } from '../../../src/runtime/write-workflow.ts';
import { readWorkflow } from '../../../ui/server/backend.ts';
import type { Target } from '../../../src/cli/lib/kube-target.ts';
import { scratch, spawnCli } from '../cli/cli-helpers.ts';
import { isDone } from './helpers.ts';

const PATH = '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows';

/**
 * A suspend step, then a short pod (`then`); or beside it a pod that runs for a minute (`beside`):
 * Running until resumed or ended.
 */
const suspended = (prefix: string, shape: 'then' | 'beside'): Workflow =>
  ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: prefix },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'approve', template: 'approve' },
              shape === 'then'
                ? { name: 'after', template: 'short', dependencies: ['approve'] }
                : { name: 'long', template: 'long' },
            ],
          },
        },
        { name: 'approve', suspend: {} },
        { name: 'short', container: { image: 'argoproj/argosay:v2' } },
        {
          name: 'long',
          metadata: { annotations: { 'sim.argosy.io/duration': '60s' } },
          container: { image: 'argoproj/argosay:v2' },
        },
      ],
    },
  }) as Workflow;

/** Waits until the offloaded nodes show the suspend step waiting (and the long pod Running, if any). */
async function untilSuspended(wfName: string, shape: 'then' | 'beside'): Promise<Workflow> {
  const store = s3NodeStatusStore({
    bucket: LOCAL_STATUS_BUCKET,
    endpoint: stack.sqsEndpoint,
    credentials: EMULATOR_KEYS,
  });
  try {
    for (let i = 0; i < 600; i++) {
      const raw = await stack.mainClient.request<Workflow>({ method: 'GET', path: `${PATH}/${wfName}` });
      const wf = await readHydrated(async () => raw, store).catch(() => undefined);
      const nodes = Object.values(wf?.status?.nodes ?? {});
      const suspend = nodes.some((n) => n.type === 'Suspend' && n.phase === 'Running');
      const pod = shape === 'then' || nodes.some((n) => n.type === 'Pod' && n.phase === 'Running');
      if (suspend && pod && raw.status?.offloadNodeStatusVersion) return raw;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${wfName} did not reach its suspend step`);
  } finally {
    store.close();
  }
}

const fanOut: Workflow = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { generateName: 'offload-' },
  spec: {
    entrypoint: 'main',
    templates: [
      { name: 'main', dag: { tasks: [{ name: 'fan', template: 'work', withItems: ['a', 'b', 'c'] }] } },
      {
        name: 'work',
        metadata: { annotations: { 'sim.argosy.io/log': 'offloaded hello' } },
        container: { image: 'argoproj/argosay:v2' },
      },
    ],
  },
} as Workflow;

let stack: LocalStack;
let bucket: ArtifactStore;
let name: string;
const home = scratch();

async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawnCli([...args, '--kubeconfig', stack.kubeconfigPath, '-n', 'argo'], home, env);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, out, err };
}

const withBucket = () => ({
  ARGOSY_STATUS_BUCKET: LOCAL_STATUS_BUCKET,
  AWS_ENDPOINT_URL_S3: stack.sqsEndpoint,
  AWS_ACCESS_KEY_ID: EMULATOR_KEYS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: EMULATOR_KEYS.secretAccessKey,
  AWS_REGION: 'us-east-1',
});

before(async () => {
  stack = await startLocalStack({
    runtime: 'sim',
    clusters: ['main'],
    resyncIntervalMs: 0,
    config: { alwaysOffloadNodeStatus: 'true' },
  });
  bucket = s3Store({ endpoint: stack.sqsEndpoint, bucket: LOCAL_STATUS_BUCKET, credentials: EMULATOR_KEYS });
  name = (await stack.submit(fanOut, 'argo')).metadata.name!;
});
after(async () => {
  bucket?.close();
  await stack?.stop();
});

describe('offloaded node status', () => {
  test('the reconcile runs the workflow to Succeeded through offloaded nodes; one version is kept', async () => {
    const wf = await stack.waitFor('argo', name, isDone, 60_000);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    assert.equal(wf.status?.progress, '3/3');
    assert.equal(wf.status?.nodes, undefined);
    assert.equal(wf.status?.compressedNodes, undefined);
    const version = wf.status?.offloadNodeStatusVersion;
    assert.match(version ?? '', /^fnv:\d+$/);
    assert.ok(wf.metadata.finalizers?.includes(WORKFLOW_FINALIZER), 'deleted with the workflow');
    assert.deepEqual(await bucket.list(offloadPrefix(wf)), [`${offloadPrefix(wf)}${version}`]);
  });

  test('argosy get, get -o json, list -o wide and logs read the nodes from the bucket', async () => {
    const env = withBucket();
    const get = await cli(['get', name], env);
    assert.equal(get.code, 0, get.err);
    assert.equal(get.out.match(/fan\(\d:[abc]\)/g)?.length, 3, get.out);
    const json = await cli(['get', name, '-o', 'json'], env);
    const parsed = JSON.parse(json.out) as Workflow;
    assert.equal(Object.values(parsed.status?.nodes ?? {}).filter((n) => n.type === 'Pod').length, 3);
    assert.equal(parsed.status?.offloadNodeStatusVersion, undefined);
    const list = await cli(['list', '-o', 'wide'], env);
    assert.match(list.out, new RegExp(`${name} +Succeeded .* 0/0/3`));
    const logs = await cli(['logs', name], env);
    assert.equal(logs.code, 0, logs.err);
    assert.equal(logs.out.match(/: offloaded hello$/gm)?.length, 3, logs.out);
  });

  test('without the bucket the CLI says what is missing instead of showing an empty tree', async () => {
    const get = await cli(['get', name], {});
    assert.notEqual(get.code, 0);
    assert.match(get.err, /offloaded nodes, but offloading has been disabled.*ARGOSY_STATUS_BUCKET/s);
    const list = await cli(['list', '-o', 'wide'], {});
    assert.match(list.out, new RegExp(`${name} +Succeeded .* \\?/\\?/\\?`));
  });

  test("the UI's backend reads them too", async () => {
    const nodeStatus = s3NodeStatusStore({
      bucket: LOCAL_STATUS_BUCKET,
      endpoint: stack.sqsEndpoint,
      credentials: EMULATOR_KEYS,
    });
    try {
      const target = { client: stack.mainClient, namespace: 'argo', nodeStatus } as unknown as Target;
      const wf = await readWorkflow({ target, logger: undefined as never }, 'argo', name);
      assert.equal(
        Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod' && n.phase === 'Succeeded').length,
        3,
      );
    } finally {
      nodeStatus.close();
    }
  });

  test('a resume stored as a new offloaded version goes on at once: the watcher reads the nodes', async () => {
    const resumed = (await stack.submit(suspended('offload-resume-', 'then'), 'argo')).metadata.name!;
    await untilSuspended(resumed, 'then');
    // What `argosy resume` stores for a workflow too large to keep its nodes in the object: the nodes
    // as a new version, the object naming only it (so the watcher's signature cannot see the resume).
    const store = s3NodeStatusStore({
      bucket: LOCAL_STATUS_BUCKET,
      endpoint: stack.sqsEndpoint,
      credentials: EMULATOR_KEYS,
    });
    try {
      const wf = await readHydrated(
        () => stack.mainClient.request<Workflow>({ method: 'GET', path: `${PATH}/${resumed}` }),
        store,
      );
      const status = resumeWorkflow(wf, undefined, new Date());
      await writeWorkflow(stack.mainClient, wf, status, undefined, false, { nodeStatus: store, alwaysOffload: true });
    } finally {
      store.close();
    }
    const stored = await stack.mainClient.request<Workflow>({ method: 'GET', path: `${PATH}/${resumed}` });
    assert.equal(stored.status?.nodes, undefined, 'the resume is only in the offloaded version');
    // No resync runs in this stack: only the watcher's nudge can make the reconcile create `after`.
    const done = await stack.waitFor('argo', resumed, isDone, 30_000);
    assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
  });

  test('an offloaded version deleted from the bucket ends the workflow Error, with an event', async () => {
    const lostName = (await stack.submit(suspended('offload-lost-', 'beside'), 'argo')).metadata.name!;
    const raw = await untilSuspended(lostName, 'beside');
    const version = raw.status!.offloadNodeStatusVersion!;
    await bucket.delete(offloadKey(raw, version));
    await stack.resyncNow();
    const wf = await stack.waitFor('argo', lostName, isDone, 30_000);
    assert.equal(wf.status?.phase, 'Error');
    assert.match(wf.status?.message ?? '', new RegExp(`offloaded node status ${version} is missing from s3://`));
    assert.match(wf.status?.message ?? '', /its pods were stopped/);
    const events = await stack.mainClient.request<{
      items: { reason: string; message: string; involvedObject: { name: string } }[];
    }>({
      method: 'GET',
      path: '/api/v1/namespaces/argo/events',
    });
    const ev = events.items.find((e) => e.involvedObject.name === lostName && e.reason === 'WorkflowError');
    assert.ok(ev, `a WorkflowError event: ${JSON.stringify(events.items.map((e) => e.reason))}`);
    assert.match(ev.message, /is missing from/);
    // Its long pod was stopped (deleted), not left running for a minute.
    const pods = await stack.mainClient.request<{ items: { metadata: { deletionTimestamp?: string } }[] }>({
      method: 'GET',
      path: `/api/v1/namespaces/argo/pods?labelSelector=workflows.argoproj.io/workflow=${lostName}`,
    });
    assert.ok(
      pods.items.every((p) => p.metadata.deletionTimestamp),
      'its pods are stopped',
    );
  });

  test('deleting the workflow deletes its node status', async () => {
    const wf = await stack.mainClient.request<Workflow>({ method: 'GET', path: `${PATH}/${name}` });
    await stack.mainClient.request({ method: 'DELETE', path: `${PATH}/${name}` });
    for (let i = 0; i < 300; i++) {
      const gone = await stack.mainClient.request({ method: 'GET', path: `${PATH}/${name}` }).then(
        () => false,
        () => true,
      );
      if (gone) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(await bucket.list(offloadPrefix(wf)), []);
  });
});
