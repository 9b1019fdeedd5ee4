/**
 * `podSpecPatch` at workflow and template level, as Argo applies it (workflow/controller/workflowpod.go
 * `processPodSpecPatch`, workflow/util/util.go `ApplyPodSpecPatch`): the workflow's patch, then the
 * template's, each substituted (globals, the template's inputs, `pod.name`), read as JSON or YAML and
 * strategic-merged over the built pod spec — after the env vars and volumes are in place and before
 * the emissary rewrite of the commands.
 *
 * A patch may not move the pod out of its checked placement: a changed `serviceAccountName`, the
 * node's namespaces (`hostNetwork`/`hostPID`/`hostIPC`) or a `hostPath` volume end the node in Error
 * (the rule src/engine/volumes.ts applies to volumes written in the template).
 */
import type { ExecContext } from '../context.ts';
import type { KubePod } from '../contract.ts';
import type { Template } from '../types.ts';
import { chainResolvers, mapResolver, substituteString } from '../substitute.ts';
import { strategicMerge } from '../strategic-merge.ts';
import { readGoYaml, YamlReaderMissing } from '../yaml-reader.ts';
import { volumeProblems } from '../volumes.ts';
import { PodBuildError } from './outputs-wrapper.ts';

type Spec = KubePod['spec'];

/** The patches to apply, in Argo's order, substituted. */
export function podSpecPatches(ctx: ExecContext, t: Template, podName: string): string[] {
  const local = mapResolver({ 'pod.name': podName });
  const globals = chainResolvers(local, mapResolver(ctx.globals));
  const out: string[] = [];
  const wf = ctx.wf.spec.podSpecPatch;
  if (typeof wf === 'string' && wf !== '') out.push(substituteString(wf, globals));
  if (typeof t.podSpecPatch === 'string' && t.podSpecPatch !== '') out.push(substituteString(t.podSpecPatch, local));
  return out;
}

/** One patch as an object (JSON is YAML), or the reason it is not a pod spec. */
function readPatch(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = readGoYaml(text);
  } catch (e) {
    if (e instanceof YamlReaderMissing) throw e;
    throw new PodBuildError(
      `Error applying PodSpecPatch: invalid podSpecPatch ${JSON.stringify(text)}: ${(e as Error).message}`,
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new PodBuildError(
      `Error applying PodSpecPatch: invalid podSpecPatch ${JSON.stringify(text)}: json: cannot unmarshal into Go value of type v1.PodSpec`,
    );
  return value as Record<string, unknown>;
}

/** What a patched spec may not have gained: its account, the node's namespaces, hostPath volumes. */
function placementProblem(before: Spec, after: Spec): string | undefined {
  if ((after.serviceAccountName ?? '') !== (before.serviceAccountName ?? ''))
    return `podSpecPatch may not change serviceAccountName (the pod runs as "${before.serviceAccountName ?? 'default'}", the account its placement was checked for)`;
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'])
    if (after[field] === true) return `podSpecPatch may not set ${field} (the node's namespaces are outside placement)`;
  const hostPath = volumeProblems(after.volumes, 'podSpecPatch.volumes')[0];
  return hostPath ? `${hostPath.path}: ${hostPath.message}` : undefined;
}

/** The spec with every patch merged in; throws `PodBuildError` for an unreadable or refused patch. */
export function applyPodSpecPatches(spec: Spec, patches: string[]): Spec {
  let out = spec;
  for (const text of patches) out = strategicMerge(out, readPatch(text)) as Spec;
  const problem = patches.length > 0 ? placementProblem(spec, out) : undefined;
  if (problem) throw new PodBuildError(problem);
  return out;
}
