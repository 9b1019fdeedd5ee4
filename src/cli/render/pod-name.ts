/**
 * Pod names as argo derives them (`workflow/util/pod_name.go`): status carries no pod name, so the
 * CLI recomputes it. Kept here (not imported from the engine) so the renderer has no dependency on
 * engine internals that are still moving; both follow argo-conventions §2.2 and are tested against
 * the same vectors.
 */
import type { NodeStatus, Workflow } from '../../engine/types.ts';

/** 32-bit FNV-1a over the UTF-8 bytes, as an unsigned decimal string. */
export function fnv32a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return String(hash >>> 0);
}

const MAX_PREFIX = 253 - 10 - 1;

/** argo `GeneratePodName` for v1 (pod = node ID) and v2 (`<wf>-<template>-<hash>`). */
export function podNameFor(
  wfName: string,
  node: Pick<NodeStatus, 'id' | 'name'>,
  template: string,
  version: 'v1' | 'v2',
): string {
  if (version === 'v1') return node.id;
  if (node.name === wfName) return wfName;
  let prefix = template ? `${wfName}-${template}` : wfName;
  if (prefix.length > MAX_PREFIX) prefix = prefix.slice(0, MAX_PREFIX);
  return `${prefix}-${fnv32a(node.name)}`;
}

/** The pod name format a workflow records (annotation), default v2. */
export function podNameVersion(wf: Workflow): 'v1' | 'v2' {
  return wf.metadata.annotations?.['workflows.argoproj.io/pod-name-format'] === 'v1' ? 'v1' : 'v2';
}

/** argo `GetTemplateFromNode`: the templateRef's template, else the template name. */
export function templateOfNode(node: Pick<NodeStatus, 'templateName' | 'templateRef'>): string {
  return node.templateRef ? node.templateRef.template : (node.templateName ?? '');
}
