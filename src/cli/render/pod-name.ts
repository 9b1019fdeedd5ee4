/**
 * Pod names as argo derives them (status carries no pod name, so the CLI recomputes it), using the
 * engine's byte-compatible helpers so the CLI and the controller can never disagree.
 */
import { ANNOTATION_POD_NAME_FORMAT } from '../../engine/labels.ts';
import { fnv32a as engineFnv32a, nodeId, podName } from '../../engine/names.ts';
import type { NodeStatus, Workflow } from '../../engine/types.ts';

/** 32-bit FNV-1a as the decimal string argo prints. */
export function fnv32a(text: string): string {
  return String(engineFnv32a(text));
}

/** argo `NodeID` for a node name. */
export { nodeId };

/** argo `GeneratePodName` for v1 (pod = node ID) and v2 (`<wf>-<template>-<hash>`). */
export function podNameFor(
  wfName: string,
  node: Pick<NodeStatus, 'id' | 'name'>,
  template: string,
  version: 'v1' | 'v2',
): string {
  // v1 is the node ID; status already carries it (and it also covers IDs argo derived differently).
  return version === 'v1' ? node.id : podName(wfName, node.name, template, 'v2');
}

/** The pod name format a workflow records (annotation), default v2. */
export function podNameVersion(wf: Workflow): 'v1' | 'v2' {
  return wf.metadata.annotations?.[ANNOTATION_POD_NAME_FORMAT] === 'v1' ? 'v1' : 'v2';
}

/** argo `GetTemplateFromNode`: the templateRef's template, else the template name. */
export function templateOfNode(node: Pick<NodeStatus, 'templateName' | 'templateRef'>): string {
  return node.templateRef ? node.templateRef.template : (node.templateName ?? '');
}
