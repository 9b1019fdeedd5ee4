/**
 * Argo's deterministic names: node IDs (FNV-1a 32 of the node name) and pod names (v1 = node ID,
 * v2 = `<wf>-<template>-<hash>`). Byte-compatible with `workflow/util/pod_name.go`.
 */

/** 32-bit FNV-1a over the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  // Node names are almost always ASCII: hash char codes directly and skip the UTF-8 encoder.
  if (/^[\x00-\x7f]*$/.test(text)) {
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 16777619);
    }
    return hash >>> 0;
  }
  const bytes = new TextEncoder().encode(text);
  for (const byte of bytes) {
    hash ^= byte;
    // 16777619 = FNV prime; Math.imul keeps the multiplication in 32 bits.
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

/** FNV-1a continued over the ASCII string `text`; -1 when it meets a non-ASCII character. */
function fnvAscii(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return -1;
    hash = Math.imul(hash ^ c, 16777619);
  }
  return hash;
}

/**
 * `nodeId(workflowName, `${parent}.${child}`)` without building the node name (DAG walks look up
 * every task's node on every decide).
 */
export function childNodeId(workflowName: string, parent: string, child: string): string {
  let h = fnvAscii(0x811c9dc5, parent);
  if (h !== -1) h = fnvAscii(h, '.');
  if (h !== -1) h = fnvAscii(h, child);
  if (h === -1) return nodeId(workflowName, `${parent}.${child}`);
  const name = parent.length + 1 + child.length;
  return name === workflowName.length && `${parent}.${child}` === workflowName
    ? workflowName
    : `${workflowName}-${h >>> 0}`;
}

/**
 * The node ID Argo derives from a node name.
 * @example nodeId('my-wf', 'my-wf.A') // 'my-wf-14620098'
 */
export function nodeId(workflowName: string, nodeName: string): string {
  if (nodeName === workflowName) return workflowName;
  return `${workflowName}-${fnv32a(nodeName)}`;
}

/** Argo's pod-name formats, recorded on the workflow as annotation `workflows.argoproj.io/pod-name-format`. */
export type PodNameFormat = 'v1' | 'v2';

/** 253 (max object name) − 10 (hash) − 1 (dash). */
const MAX_PREFIX_LENGTH = 242;

/**
 * The pod name of a node (`GeneratePodName`).
 * @example podName('steps-z2zdn', 'steps-z2zdn[0].hello1', 'print-message') // 'steps-z2zdn-print-message-27420706'
 */
export function podName(
  workflowName: string,
  nodeName: string,
  templateName: string,
  format: PodNameFormat = 'v2',
): string {
  if (format === 'v1') return nodeId(workflowName, nodeName);
  if (nodeName === workflowName) return workflowName;
  let prefix = templateName ? `${workflowName}-${templateName}` : workflowName;
  if (prefix.length > MAX_PREFIX_LENGTH) prefix = prefix.slice(0, MAX_PREFIX_LENGTH);
  return `${prefix}-${fnv32a(nodeName)}`;
}

/**
 * The display name of a node: its name without the boundary node's name prefix, minus a leading `[n].` or `.`.
 */
export function displayNameOf(nodeName: string, boundaryName: string | undefined): string {
  if (!boundaryName || !nodeName.startsWith(boundaryName) || nodeName === boundaryName) return nodeName;
  const rest = nodeName.slice(boundaryName.length);
  const stripped = rest.replace(/^\[\d+\]\./, '').replace(/^\./, '');
  return stripped === '' ? nodeName : stripped;
}

/** RFC 3339 at second precision, the way Go's `metav1.Time` marshals (`2026-01-02T15:04:05Z`). */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
