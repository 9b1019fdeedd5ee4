/**
 * The Kubernetes vocabulary, part 4: Argo's node status offload. When a workflow's nodes do not fit in
 * the object even compressed, they are written to the controller's node status store and the object
 * keeps only `status.offloadNodeStatusVersion` (`fnv:<FNV-1 32 of the nodes' JSON>`, Argo's
 * `nodeStatusVersion`). Each version is its own object, `node-status/<namespace>/<name>/<uid>/<version>`
 * (gzip'd JSON), so a write that loses a resourceVersion race never overwrites the nodes the stored
 * object names. Everything that reads nodes goes through {@link hydrateWorkflow}; the store is the
 * controller's own (docs/adr/0017-node-status-offload.md), never the workflows' artifact repository.
 */
import { gunzipSync } from 'node:zlib';
import type { NodeStatus, Workflow, WorkflowStatus } from '../../engine/types.ts';
import type { NodeStatusStore } from '../../ports/node-status.ts';
import { EncodedNodes, inflateWorkflow } from './compressed-nodes.ts';

type Nodes = Record<string, NodeStatus>;

/** Argo's message when a workflow's nodes are offloaded and this process has no store to read them. */
export const OFFLOAD_DISABLED = 'Workflow has offloaded nodes, but offloading has been disabled';

/** Offloaded nodes cannot be read here: no store configured (terminal for this process). */
export class OffloadDisabledError extends Error {
  override name = 'OffloadDisabledError';
  constructor(wf: Workflow) {
    super(
      `${OFFLOAD_DISABLED}: workflow ${wf.metadata.namespace}/${wf.metadata.name} keeps its nodes in the node status store ` +
        `(status.offloadNodeStatusVersion ${wf.status?.offloadNodeStatusVersion}); set ARGOSY_STATUS_BUCKET ` +
        '(and AWS_ENDPOINT_URL_S3 for an emulator) to the bucket the controller uses',
    );
  }
}

/**
 * The version the object names is not in the store: a newer status replaced it (its old version is
 * deleted after the write) or it was never stored. Re-reading the workflow gives the current one.
 */
export class OffloadedNodesMissingError extends Error {
  override name = 'OffloadedNodesMissingError';
  readonly transient = true;
  constructor(key: string, location: string) {
    super(`offloaded nodes ${key} are not in ${location} (replaced by a newer status?); read the workflow again`);
  }
}

/** Argo's `fnv:<n>`: 32-bit FNV-1 (multiply, then xor) over the bytes of the nodes' JSON. */
export function nodesVersion(json: string | Buffer): string {
  const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = (Math.imul(hash, 16777619) ^ bytes[i]!) >>> 0;
  return `fnv:${hash >>> 0}`;
}

/** Every version of one workflow's nodes lives under this prefix (deleted with the workflow). */
export function offloadPrefix(wf: Workflow): string {
  const m = wf.metadata;
  return `node-status/${m.namespace ?? ''}/${m.name ?? ''}/${m.uid ?? ''}/`;
}

export function offloadKey(wf: Workflow, version: string): string {
  return `${offloadPrefix(wf)}${version}`;
}

/**
 * Writes `nodes` as a new version (idempotent: the same nodes give the same key); returns it. Given
 * encoded, their JSON and gzip are the ones already made (status-size.ts compressed them first).
 */
export async function saveNodes(store: NodeStatusStore, wf: Workflow, nodes: Nodes | EncodedNodes): Promise<string> {
  const encoded = nodes instanceof EncodedNodes ? nodes : new EncodedNodes(nodes);
  const version = nodesVersion(encoded.bytes);
  const key = offloadKey(wf, version);
  await store.put(key, encoded.gzip);
  remember(store, key, encoded.gzip, encoded.nodes as Nodes);
  return version;
}

/**
 * The versions this process saved last, per store: their gzip and the nodes they encode. The next
 * reconcile of a workflow reads back the version it wrote; when the bytes read are exactly the ones
 * written, the nodes are the ones it holds, and gunzip + JSON.parse (2.7 s at 100,000 nodes) are skipped.
 * The read itself stays, so a version deleted from the bucket is still noticed (read-workflow.ts). The
 * nodes are shared, not copied: the engine never changes a node object it is given.
 */
const saved = new WeakMap<NodeStatusStore, Map<string, { gzip: Buffer; nodes: Nodes }>>();
/** Versions kept per store: a reconcile reads back the one it wrote last. */
const SAVED_KEPT = 2;
/** Versions decoded (gunzip + parse) by {@link loadNodes}, for tests. */
export const nodesDecoded = { count: 0 };

function remember(store: NodeStatusStore, key: string, gzip: Buffer, nodes: Nodes): void {
  let m = saved.get(store);
  if (!m) saved.set(store, (m = new Map()));
  m.delete(key);
  m.set(key, { gzip, nodes });
  for (const k of m.keys()) if (m.size > SAVED_KEPT) m.delete(k);
}

/** Reads one version. Throws {@link OffloadedNodesMissingError} when it is not there. */
export async function loadNodes(store: NodeStatusStore, wf: Workflow, version: string): Promise<Nodes> {
  const key = offloadKey(wf, version);
  const body = await store.get(key);
  if (!body) throw new OffloadedNodesMissingError(key, store.location);
  const mine = saved.get(store)?.get(key);
  if (mine && body.equals(mine.gzip)) return mine.nodes;
  nodesDecoded.count++;
  return JSON.parse(gunzipSync(body).toString('utf8')) as Nodes;
}

/** The version a hydrated workflow was read at (the writer deletes it once a newer one is stored). */
const readVersions = new WeakMap<Workflow, string>();

export function offloadedVersionOf(wf: Workflow): string | undefined {
  return readVersions.get(wf);
}

/** `wf` with plain nodes and the version they were read at remembered (see {@link offloadedVersionOf}). */
export function withNodes(wf: Workflow, status: WorkflowStatus, nodes: Nodes, version: string): Workflow {
  const { offloadNodeStatusVersion: _v, compressedNodes: _c, ...rest } = status;
  const out: Workflow = { ...wf, status: { ...rest, nodes } };
  readVersions.set(out, version);
  return out;
}

/**
 * `wf` with its nodes in `status.nodes` whatever way they were stored: plain, compressed
 * (`compressedNodes`) or offloaded (`offloadNodeStatusVersion`, read from `store`). The same object
 * when nothing needs reading. Offloaded without a store: {@link OffloadDisabledError}.
 */
export async function hydrateWorkflow(wf: Workflow, store: NodeStatusStore | undefined): Promise<Workflow> {
  const status = wf.status;
  const version = status?.offloadNodeStatusVersion;
  if (!status || !version) return inflateWorkflow(wf);
  if (!store) throw new OffloadDisabledError(wf);
  return withNodes(wf, status, await loadNodes(store, wf, version), version);
}

/**
 * Reads a workflow and its nodes, reading the workflow again when its version was replaced between
 * the two reads (at most `attempts` times).
 */
export async function readHydrated(
  read: () => Promise<Workflow>,
  store: NodeStatusStore | undefined,
  attempts = 3,
): Promise<Workflow> {
  for (let i = 1; ; i++) {
    try {
      return await hydrateWorkflow(await read(), store);
    } catch (e) {
      if (!(e instanceof OffloadedNodesMissingError) || i >= attempts) throw e;
    }
  }
}

/** Deletes every offloaded version of the workflow (its deletion); returns how many there were. */
export async function deleteOffloadedNodes(store: NodeStatusStore, wf: Workflow): Promise<number> {
  const keys = await store.list(offloadPrefix(wf));
  await Promise.all(keys.map((k) => store.delete(k)));
  return keys.length;
}
