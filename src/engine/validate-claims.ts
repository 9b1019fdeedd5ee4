/**
 * Lint/submit checks of `spec.volumeClaimTemplates` and `spec.volumeClaimGC` (docs/adr/0020-volume-claims.md):
 * every claim template is named (Argo errors the workflow when it creates the claims), the GC strategy is
 * one Argo knows (Argo errors at completion otherwise), and the templates that mount one claim do not name
 * two different places, because a PersistentVolumeClaim lives in one cluster and namespace. Places that
 * are templated or chosen at run time are checked when their pods are built (pod/claims.ts).
 */
import type { Template, Workflow } from './types.ts';
import type { Report } from './validate-common.ts';

/** Argo's volumeClaimGC strategies; the empty value means OnWorkflowSuccess. */
const CLAIM_GC_STRATEGIES = ['', 'OnWorkflowSuccess', 'OnWorkflowCompletion'];

type Mounting = { volumeMounts?: { name?: string }[] };

/** Names the template's containers mount (main, sidecars, init containers). */
function mountedNames(t: Template): Set<string> {
  const containers = [
    t.container,
    t.script,
    ...((t.sidecars as Mounting[] | undefined) ?? []),
    ...((t.initContainers as Mounting[] | undefined) ?? []),
  ] as (Mounting | undefined)[];
  return new Set(containers.flatMap((c) => (c?.volumeMounts ?? []).map((m) => String(m.name))));
}

/** A literal place (cluster, namespace as written; '' = the workflow's), or undefined when decided at run time. */
function literalPlace(t: Template): { cluster: string; namespace: string } | undefined {
  const cluster = t.clusterName ?? '';
  const namespace = t.namespace ?? '';
  if (t['placement'] !== undefined || cluster.includes('{{') || namespace.includes('{{')) return undefined;
  return { cluster, namespace };
}

function describe(p: { cluster: string; namespace: string }): string {
  return `cluster "${p.cluster || "(the workflow's)"}" namespace "${p.namespace || "(the workflow's)"}"`;
}

/** Two templates that mount claim `name` from different literal places. */
function conflicts(wf: Workflow, name: string, report: Report): void {
  let first: { t: Template; place: { cluster: string; namespace: string } } | undefined;
  (wf.spec.templates ?? []).forEach((t, i) => {
    const own = ((t.volumes as { name?: string }[] | undefined) ?? []).some((v) => v.name === name);
    const place = literalPlace(t);
    if (own || !place || !mountedNames(t).has(name)) return;
    if (!first) return void (first = { t, place });
    if (first.place.cluster === place.cluster && first.place.namespace === place.namespace) return;
    const message =
      `volume claim template '${name}' is mounted by template '${first.t.name}' in ${describe(first.place)} and by ` +
      `'${t.name}' in ${describe(place)}: a PersistentVolumeClaim lives in one cluster and namespace, so every ` +
      'template that mounts it must run in the same place';
    report(`spec.templates[${i}]`, message, message);
  });
}

/** Reports the problems of the workflow's claim templates and their garbage collection. */
export function validateClaims(wf: Workflow, report: Report): void {
  const claims = (wf.spec.volumeClaimTemplates as { metadata?: { name?: string } }[] | undefined) ?? [];
  claims.forEach((c, i) => {
    if (!c.metadata?.name)
      report(
        `spec.volumeClaimTemplates[${i}].metadata.name`,
        'name is required',
        `volumeClaimTemplates[${i}].metadata.name is required`,
      );
  });
  const strategy = (wf.spec.volumeClaimGC as { strategy?: string } | undefined)?.strategy ?? '';
  if (!CLAIM_GC_STRATEGIES.includes(strategy))
    report(
      'spec.volumeClaimGC.strategy',
      `unknown volume gc strategy: ${strategy} (OnWorkflowSuccess or OnWorkflowCompletion)`,
      `unknown volume gc strategy: ${strategy}`,
    );
  const spec = new Set(((wf.spec.volumes as { name?: string }[] | undefined) ?? []).map((v) => v.name));
  for (const c of claims) if (c.metadata?.name && !spec.has(c.metadata.name)) conflicts(wf, c.metadata.name, report);
}
