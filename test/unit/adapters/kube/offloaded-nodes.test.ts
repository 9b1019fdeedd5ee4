// Argo's node status offload (status.offloadNodeStatusVersion): the codec, the storage decision
// (compress first, offload when that is not enough, or always with ALWAYS_OFFLOAD_NODE_STATUS), and
// the write path's finalizer and old-version cleanup, against an in-memory store and a recording
// API client. The same paths against the S3 emulator and the real stack: test/integration/pipeline/offload.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { NodeStatus, Workflow, WorkflowStatus } from '../../../../src/engine/types.ts';
import type { NodeStatusStore } from '../../../../src/ports/node-status.ts';
import type { KubeClient, KubeRequest } from '../../../../src/ports/kube.ts';
import {
  deleteOffloadedNodes,
  hydrateWorkflow,
  nodesDecoded,
  nodesVersion,
  offloadKey,
  OffloadDisabledError,
  readHydrated,
  saveNodes,
} from '../../../../src/adapters/kube/offloaded-nodes.ts';
import { compressNodes, decompressNodes, EncodedNodes } from '../../../../src/adapters/kube/compressed-nodes.ts';
import { statusForStorage, storableStatus, StatusTooLargeError } from '../../../../src/runtime/status-size.ts';
import { writeWorkflow } from '../../../../src/runtime/write-workflow.ts';
import { WORKFLOW_FINALIZER } from '../../../../src/engine/contract.ts';
import { KubeUnreachableError } from '../../../../src/adapters/kube/errors.ts';

function memoryStore(): NodeStatusStore & { objects: Map<string, Buffer> } {
  const objects = new Map<string, Buffer>();
  return {
    objects,
    location: 'memory://test',
    put: async (k, b) => void objects.set(k, b),
    get: async (k) => objects.get(k),
    list: async (p) => [...objects.keys()].filter((k) => k.startsWith(p)),
    delete: async (k) => void objects.delete(k),
  };
}

function nodes(n: number, phase: NodeStatus['phase'] = 'Running'): Record<string, NodeStatus> {
  const out: Record<string, NodeStatus> = {};
  for (let i = 0; i < n; i++) {
    const id = `wf-${1000000 + i}`;
    out[id] = { id, name: `wf.fan(${i}:${i})`, displayName: `fan(${i}:${i})`, type: 'Pod', phase };
  }
  return out;
}

const wf: Workflow = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'wf', namespace: 'argo', uid: 'u-1', resourceVersion: '7', finalizers: ['other/f'] },
  spec: { entrypoint: 'main' },
};

describe('offloaded node status codec', () => {
  test("the version is Argo's fnv:<FNV-1 32> of the nodes JSON; saving twice gives one object", async () => {
    // FNV-1 32 of "" is the offset basis; of "a" the published test vector 0x050c5d7e.
    assert.equal(nodesVersion(''), `fnv:${0x811c9dc5}`);
    assert.equal(nodesVersion('a'), `fnv:${0x050c5d7e}`);
    const store = memoryStore();
    const v1 = await saveNodes(store, wf, nodes(3));
    const v2 = await saveNodes(store, wf, nodes(3));
    assert.equal(v1, v2);
    assert.deepEqual([...store.objects.keys()], [`node-status/argo/wf/u-1/${v1}`]);
    assert.deepEqual(JSON.parse(gunzipSync(store.objects.get(offloadKey(wf, v1))!).toString()), nodes(3));
  });

  test('hydrate reads plain, compressed and offloaded nodes alike', async () => {
    const store = memoryStore();
    const version = await saveNodes(store, wf, nodes(5));
    const plain = { ...wf, status: { phase: 'Running' as const, nodes: nodes(5) } };
    const compressed = { ...wf, status: { phase: 'Running' as const, compressedNodes: compressNodes(nodes(5)) } };
    const offloaded = { ...wf, status: { phase: 'Running' as const, offloadNodeStatusVersion: version } };
    assert.equal(await hydrateWorkflow(plain, undefined), plain);
    for (const w of [compressed, offloaded]) {
      const h = await hydrateWorkflow(w, store);
      assert.deepEqual(h.status, { phase: 'Running', nodes: nodes(5) });
    }
  });

  test('a version this process saved is read back without gunzip and parse (counted); others are decoded', async () => {
    const store = memoryStore();
    const mine = nodes(50);
    const version = await saveNodes(store, wf, mine);
    const offloaded = { ...wf, status: { phase: 'Running' as const, offloadNodeStatusVersion: version } };
    const before = nodesDecoded.count;
    const h = await hydrateWorkflow(offloaded, store);
    assert.equal(h.status?.nodes, mine, 'the very nodes written');
    assert.equal(nodesDecoded.count - before, 0, 'nothing decoded');
    // Another process (its own store client) reads the same bytes: decoded once.
    const other = { ...memoryStore(), objects: store.objects, get: async (k: string) => store.objects.get(k) };
    const theirs = await hydrateWorkflow(offloaded, other);
    assert.deepEqual(theirs.status?.nodes, mine);
    assert.notEqual(theirs.status?.nodes, mine);
    assert.equal(nodesDecoded.count - before, 1);
    // Different bytes under the key (rewritten by hand): decoded, not taken from memory.
    store.objects.set(offloadKey(wf, version), gzipSync(JSON.stringify(nodes(2))));
    assert.deepEqual((await hydrateWorkflow(offloaded, store)).status?.nodes, nodes(2));
    assert.equal(nodesDecoded.count - before, 2);
    // Deleted from the bucket: still noticed (the read is made).
    store.objects.clear();
    await assert.rejects(hydrateWorkflow(offloaded, store), /are not in memory:\/\/test/);
  });

  test("offloaded nodes without a store: Argo's message and what to set, never an empty tree", async () => {
    const offloaded = { ...wf, status: { phase: 'Running' as const, offloadNodeStatusVersion: 'fnv:1' } };
    await assert.rejects(hydrateWorkflow(offloaded, undefined), (e: Error) => {
      assert.ok(e instanceof OffloadDisabledError);
      assert.match(e.message, /Workflow has offloaded nodes, but offloading has been disabled/);
      assert.match(e.message, /ARGOSY_STATUS_BUCKET/);
      return true;
    });
  });

  test('a version replaced between the two reads: the workflow is read again', async () => {
    const store = memoryStore();
    const current = await saveNodes(store, wf, nodes(2, 'Succeeded'));
    const reads = [
      { ...wf, status: { offloadNodeStatusVersion: 'fnv:123' } },
      { ...wf, status: { phase: 'Succeeded' as const, offloadNodeStatusVersion: current } },
    ];
    let n = 0;
    const got = await readHydrated(async () => reads[n++]!, store);
    assert.equal(n, 2);
    assert.equal(Object.keys(got.status?.nodes ?? {}).length, 2);
  });

  test("deleting a workflow's node status removes every version of that uid only", async () => {
    const store = memoryStore();
    await saveNodes(store, wf, nodes(1));
    await saveNodes(store, wf, nodes(2));
    const other = { ...wf, metadata: { ...wf.metadata, uid: 'u-2' } };
    await saveNodes(store, other, nodes(1));
    assert.equal(await deleteOffloadedNodes(store, wf), 2);
    assert.deepEqual(
      [...store.objects.keys()].map((k) => k.split('/')[3]),
      ['u-2'],
    );
  });
});

describe('where a status is stored', () => {
  const running = (n: number): WorkflowStatus => ({ phase: 'Running', progress: `0/${n}`, nodes: nodes(n) });

  test('fits: plain; over the limit: compressed; over it compressed: offloaded (only with a store)', async () => {
    const store = memoryStore();
    assert.ok((await storableStatus(wf, running(3), { nodeStatus: store, maxWorkflowSize: 100_000 })).nodes);
    const compressed = await storableStatus(wf, running(300), { nodeStatus: store, maxWorkflowSize: 20_000 });
    assert.ok(compressed.compressedNodes && !compressed.nodes);
    assert.equal(store.objects.size, 0);
    const offloaded = await storableStatus(wf, running(3000), { nodeStatus: store, maxWorkflowSize: 20_000 });
    assert.equal(offloaded.nodes, undefined);
    assert.equal(offloaded.compressedNodes, undefined);
    assert.match(offloaded.offloadNodeStatusVersion ?? '', /^fnv:\d+$/);
    assert.equal(offloaded.progress, '0/3000');
    assert.equal(store.objects.size, 1);
    await assert.rejects(storableStatus(wf, running(3000), { maxWorkflowSize: 20_000 }), StatusTooLargeError);
  });

  test('one serialisation and one gzip of the nodes per write, shared by the compress and offload steps', async () => {
    const store = memoryStore();
    const status = running(3000);
    const encoded = new EncodedNodes(status.nodes);
    const offloaded = await storableStatus(wf, status, { nodeStatus: store, maxWorkflowSize: 20_000 }, encoded);
    assert.equal(encoded.encodings, 2, 'JSON once, gzip once');
    const body = store.objects.get(offloadKey(wf, offloaded.offloadNodeStatusVersion ?? '')) as Buffer;
    assert.deepEqual(JSON.parse(gunzipSync(body).toString('utf8')), status.nodes);
    // The sizes it compared are the ones the object really has, counted without serialising it again.
    const bytes = (s: WorkflowStatus) => Buffer.byteLength(JSON.stringify({ ...wf, status: s }));
    const plainLimit = bytes(running(300));
    assert.ok(statusForStorage(wf, running(300), plainLimit).nodes, 'exactly at the limit: plain');
    const squeezed = statusForStorage(wf, running(300), plainLimit - 1);
    assert.deepEqual(decompressNodes(squeezed.compressedNodes ?? ''), running(300).nodes);
    assert.throws(() => statusForStorage(wf, running(300), bytes(squeezed) - 1), StatusTooLargeError);
    assert.ok(statusForStorage(wf, running(300), bytes(squeezed)).compressedNodes);
  });

  test('ALWAYS_OFFLOAD_NODE_STATUS offloads small statuses too; a status too large without nodes still fails', async () => {
    const store = memoryStore();
    const s = await storableStatus(wf, running(2), { nodeStatus: store, alwaysOffload: true });
    assert.ok(s.offloadNodeStatusVersion);
    const huge = { ...running(2), message: 'x'.repeat(30_000) };
    await assert.rejects(
      storableStatus(wf, huge, { nodeStatus: store, maxWorkflowSize: 20_000 }),
      /with offloaded nodes/,
    );
  });
});

/** A KubeClient that answers PUTs with the body (a new resourceVersion), or 409 once when told. */
function recordingClient(conflict = false): KubeClient & { puts: Workflow[] } {
  const puts: Workflow[] = [];
  let fail = conflict;
  const client = {
    puts,
    async request<T>(req: KubeRequest): Promise<T> {
      if (req.method !== 'PUT') throw new Error(`unexpected ${req.method}`);
      if (fail) {
        fail = false;
        throw Object.assign(new Error('conflict'), { status: 409, code: 409 });
      }
      const body = req.body as Workflow;
      puts.push(body);
      return { ...body, metadata: { ...body.metadata, resourceVersion: String(puts.length + 7) } } as T;
    },
  };
  return client as unknown as KubeClient & { puts: Workflow[] };
}

describe('writing an offloaded status', () => {
  test('the object names the version and holds our finalizer; the version it was read at is deleted', async () => {
    const store = memoryStore();
    const storage = { nodeStatus: store, alwaysOffload: true };
    const client = recordingClient();
    const first = await writeWorkflow(client, wf, running(2), undefined, false, storage);
    const put = client.puts[0]!;
    assert.equal(put.status?.nodes, undefined);
    assert.ok(put.status?.offloadNodeStatusVersion);
    assert.deepEqual(put.metadata.finalizers, ['other/f', WORKFLOW_FINALIZER]);
    assert.deepEqual(first.workflow.status?.nodes, nodes(2), 'the caller sees the nodes');
    const v1 = put.status.offloadNodeStatusVersion;
    const second = await writeWorkflow(
      client,
      first.workflow,
      { ...running(2), nodes: nodes(2, 'Succeeded') },
      undefined,
      false,
      storage,
    );
    const v2 = second.workflow.status && client.puts[1]!.status?.offloadNodeStatusVersion;
    assert.notEqual(v1, v2);
    assert.deepEqual([...store.objects.keys()], [offloadKey(wf, v2!)], 'only the current version is left');
  });

  test('a write that loses the resourceVersion race keeps its version: a winner with the same nodes names it', async () => {
    const store = memoryStore();
    const storage = { nodeStatus: store, alwaysOffload: true };
    await assert.rejects(writeWorkflow(recordingClient(true), wf, running(2), undefined, false, storage), /conflict/);
    const won = await writeWorkflow(recordingClient(), wf, running(2), undefined, false, storage);
    const version = won.workflow.status && [...store.objects.keys()][0];
    assert.equal(store.objects.size, 1);
    assert.ok(
      (await hydrateWorkflow({ ...wf, status: { offloadNodeStatusVersion: version!.split('/').pop() } }, store)).status
        ?.nodes,
    );
  });

  test('a PUT applied whose answer was lost: the version it names stays readable; later writes and the deletion clean up', async () => {
    const store = memoryStore();
    const storage = { nodeStatus: store, alwaysOffload: true };
    const read = (await writeWorkflow(recordingClient(), wf, running(2), undefined, false, storage)).workflow;
    const v0 = [...store.objects.keys()];
    // The server stores the PUT, then the connection drops before the answer arrives.
    const applied: Workflow[] = [];
    const lossy = {
      cluster: 'main',
      request: async <T>(req: KubeRequest): Promise<T> => {
        applied.push({
          ...(req.body as Workflow),
          metadata: { ...(req.body as Workflow).metadata, resourceVersion: '20' },
        });
        throw new KubeUnreachableError({
          cluster: 'main',
          verb: req.method,
          path: req.path,
          host: 'h',
          cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
        });
      },
    } as unknown as KubeClient;
    const decided = { ...running(2), nodes: nodes(2, 'Succeeded') };
    await assert.rejects(writeWorkflow(lossy, read, decided, undefined, false, storage), KubeUnreachableError);
    const stored = applied[0]!;
    const v1 = stored.status!.offloadNodeStatusVersion!;
    assert.ok(store.objects.has(offloadKey(wf, v1)), 'the version the stored object names was not deleted');
    assert.deepEqual(
      v0.filter((k) => !store.objects.has(k)),
      [],
      'nor the one it was read at: the write may have failed',
    );
    // The retried reconcile reads the object as stored: its nodes are there, nothing is "lost".
    const reread = await hydrateWorkflow(stored, store);
    assert.deepEqual(reread.status?.nodes, decided.nodes);
    const next = await writeWorkflow(
      recordingClient(),
      reread,
      { ...decided, phase: 'Succeeded' },
      undefined,
      false,
      storage,
    );
    assert.ok(next.workflow.status);
    assert.equal(store.objects.has(offloadKey(wf, v1)), true, 'same nodes, same version: kept');
    // What a lost answer left behind goes with the workflow (the finalizer deletes every version).
    await deleteOffloadedNodes(store, wf);
    assert.equal(store.objects.size, 0);
  });

  function running(n: number): WorkflowStatus {
    return { phase: 'Running', nodes: nodes(n) };
  }
});
