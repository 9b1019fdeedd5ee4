/**
 * Container-set templates as Argo defines them (pkg/apis/workflow/v1alpha1/container_set_template_types.go):
 * the members of one pod, each with the set's shared `volumeMounts` appended (`GetContainers`), and the
 * names Argo treats as the pod's main containers (`GetMainContainerNames`: every member, else `main`).
 */
import type { KubeContainer } from '../contract.ts';
import type { ContainerNode, Template } from '../types.ts';

/** The members as the pod carries them: without `dependencies`, the set's volumeMounts after their own. */
export function containerSetMembers(t: Template): KubeContainer[] {
  const shared = t.containerSet?.volumeMounts ?? [];
  return (t.containerSet?.containers ?? []).map((node: ContainerNode) => {
    const { dependencies: _d, ...c } = node;
    const own = (c.volumeMounts as unknown[] | undefined) ?? [];
    const out: KubeContainer = { ...c };
    if (own.length + shared.length > 0) out.volumeMounts = [...own, ...shared];
    return out;
  });
}

/** The containers whose exit ends the pod's work: the container-set members, else `main`. */
export function mainContainerNames(t: Pick<Template, 'containerSet'>): string[] {
  const names = (t.containerSet?.containers ?? []).map((c) => c.name);
  return names.length > 0 ? names : ['main'];
}

/**
 * The container kubectl uses by default (Argo's `build`): `main` when the pod has one, else the last
 * member of the set.
 */
export function defaultContainerName(t: Template): string {
  const names = mainContainerNames(t);
  return names.includes('main') ? 'main' : (names[names.length - 1] ?? 'main');
}
