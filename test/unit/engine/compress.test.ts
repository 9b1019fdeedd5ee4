// Argo's compressed node status (status.compressedNodes = base64(gzip(JSON of the nodes map))), as the
// runtime writes it at the read/write boundary (src/runtime/status-size.ts; the engine stays free of
// node:zlib). Checked against plain zlib, the way Argo's `file.CompressEncodeString` / `DecodeDecompressString` do it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { inflateWorkflow } from '../../../src/adapters/kube/compressed-nodes.ts';
import { MAX_WORKFLOW_BYTES, statusForStorage } from '../../../src/runtime/status-size.ts';

function wideNodes(n: number): Record<string, NodeStatus> {
  const nodes: Record<string, NodeStatus> = {};
  for (let i = 0; i < n; i++) {
    const id = `wf-${1000000 + i}`;
    nodes[id] = { id, name: `wf.fan(${i}:${i})`, displayName: `fan(${i}:${i})`, type: 'Pod', phase: 'Succeeded' };
  }
  return nodes;
}
const wf: Workflow = { metadata: { name: 'wf', namespace: 'argo' }, spec: { entrypoint: 'main' } };

describe('compressed nodes (Argo format)', () => {
  test('small statuses are stored as they are', () => {
    const status = { phase: 'Running' as const, nodes: wideNodes(10) };
    assert.deepEqual(statusForStorage(wf, status), status);
  });
  test('over 1 MiB: nodes gzip+base64 in compressedNodes, nodes dropped, readable by plain zlib', () => {
    const nodes = wideNodes(12_000);
    const status = { phase: 'Running' as const, progress: '0/12000', nodes };
    assert.ok(Buffer.byteLength(JSON.stringify(status)) > MAX_WORKFLOW_BYTES);
    const stored = statusForStorage(wf, status);
    assert.equal(stored.nodes, undefined);
    assert.equal(stored.progress, '0/12000');
    const decoded = JSON.parse(gunzipSync(Buffer.from(stored.compressedNodes ?? '', 'base64')).toString('utf8'));
    assert.deepEqual(decoded, nodes);
    assert.deepEqual(inflateWorkflow({ ...wf, status: stored }).status?.nodes, nodes);
  });
  test('a status Argo compressed is read back (reading decompresses first)', () => {
    const nodes = wideNodes(3);
    const compressedNodes = gzipSync(Buffer.from(JSON.stringify(nodes))).toString('base64');
    const read = inflateWorkflow({ ...wf, status: { phase: 'Succeeded', compressedNodes } });
    assert.deepEqual(read.status?.nodes, nodes);
    assert.equal(read.status?.compressedNodes, undefined);
  });
});
