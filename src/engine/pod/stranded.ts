/**
 * Containers that nothing in the pod will stop: they still run once the containers the node is made of
 * have ended. Injected by a podSpecPatch or an admission webhook such as Istio's, they are not run by
 * Argo's executor, which Argo's controller works around by signalling them through pods/exec. Argosy has
 * no exec rights (ADR 0024), so the node is assessed from the containers that ended and the pod is
 * deleted (execute-pod.ts). In pods-only places there is no `wait`, and templates with declared sidecars
 * are refused there, so any container still running after `main` is one of these.
 */
import type { KubeContainerStatus, KubePod, ObservedPod } from '../contract.ts';
import type { Template } from '../types.ts';
import { assessPod, type PodAssessment } from './assess-pod.ts';
import { mainContainerNames } from './container-set.ts';

type Terminated = NonNullable<KubeContainerStatus['state']>['terminated'];

export function terminatedState(pod: KubePod, name: string): Terminated {
  return pod.status?.containerStatuses?.find((c) => c.name === name)?.state?.terminated;
}

/** The containers still running in a Running pod once every container in `ended` has terminated. */
export function strandedContainers(pod: KubePod, ended: string[]): string[] {
  if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) return [];
  if (!ended.every((n) => terminatedState(pod, n))) return [];
  return (pod.status.containerStatuses ?? [])
    .filter((c) => c.state?.running && !ended.includes(c.name))
    .map((c) => c.name);
}

/** The observed pod as if it had ended (Succeeded or Failed), for a pod whose stranded containers go on. */
export function asFinished(observed: ObservedPod, succeeded: boolean): ObservedPod {
  const status: KubePod['status'] = { ...observed.pod.status, phase: succeeded ? 'Succeeded' : 'Failed' };
  return { ...observed, pod: { ...observed.pod, status } };
}

/** A pods-only pod's assessment: from its main containers once they ended, even if others run on. */
export function assessPodsOnlyPod(
  observed: ObservedPod,
  t: Template,
  wantResult: boolean,
): PodAssessment & { stranded?: string[] } {
  const mains = mainContainerNames(t);
  const stranded = strandedContainers(observed.pod, mains);
  if (stranded.length === 0) return assessPod(observed, t, wantResult);
  const ok = mains.every((n) => terminatedState(observed.pod, n)?.exitCode === 0);
  return { ...assessPod(asFinished(observed, ok), t, wantResult), stranded };
}
