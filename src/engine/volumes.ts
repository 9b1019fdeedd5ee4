/**
 * Volumes a workflow may not use: `hostPath` mounts the node's own filesystem, outside any placement
 * (a pod allowed in `other/argo` would read or write the node's disk, kubelet credentials included).
 * Argosy does not support it: refused by lint/submit (validation) and again when a pod is built, so
 * templates reached by `templateRef` or stored before an upgrade are refused too.
 */
import type { Template, Workflow } from './types.ts';

/** Why a volume is refused, or `undefined`. */
function volumeProblem(v: unknown): string | undefined {
  if (v && typeof v === 'object' && 'hostPath' in v)
    return 'hostPath volumes are not supported yet (they reach the node filesystem, outside placement)';
  return undefined;
}

/** Problems of a list of volumes, with their paths. */
export function volumeProblems(volumes: unknown, path: string): { path: string; message: string }[] {
  if (!Array.isArray(volumes)) return [];
  return volumes.flatMap((v, i) => {
    const message = volumeProblem(v);
    return message ? [{ path: `${path}[${i}].hostPath`, message }] : [];
  });
}

/** Every refused volume of a workflow (spec and templates). */
export function workflowVolumeProblems(wf: Workflow): { path: string; message: string }[] {
  return [
    ...volumeProblems(wf.spec.volumes, 'spec.volumes'),
    ...(wf.spec.templates ?? []).flatMap((t: Template, i) => volumeProblems(t.volumes, `spec.templates[${i}].volumes`)),
  ];
}
