/**
 * `clusterName`s a workflow names that the clusters the CLI can see do not have, with the closest
 * configured name (`othr` → `other`), so a typo is found at lint or submit time rather than as a node
 * Error. Templated names (`{{…}}`) are left to the controller, which resolves them.
 */
import type { Workflow } from '../../engine/types.ts';
import type { ClusterTarget } from '../../ports/kube.ts';
import { didYouMean } from '../../engine/did-you-mean.ts';

/** Problems (path: message) for literal cluster names not in `clusters`. */
export function unknownClusterProblems(wf: Workflow, clusters: string[]): string[] {
  const templates = Array.isArray(wf.spec?.templates) ? wf.spec.templates : [];
  const problems: string[] = [];
  templates.forEach((t, i) => {
    const name = t?.clusterName;
    if (typeof name !== 'string' || !name || name.includes('{{') || clusters.includes(name)) return;
    problems.push(
      `spec.templates[${i}].clusterName: cluster "${name}" is not configured (configured: ${clusters.join(', ')})` +
        didYouMean(name, clusters),
    );
  });
  return problems;
}

/** Whether some template names a literal cluster (only then are the configured clusters worth reading). */
function namesACluster(wf: Workflow): boolean {
  const templates = Array.isArray(wf.spec?.templates) ? wf.spec.templates : [];
  return templates.some((t) => typeof t?.clusterName === 'string' && !!t.clusterName && !t.clusterName.includes('{{'));
}

/**
 * The problems of {@link unknownClusterProblems} against the clusters a target has configured (its
 * rest-config entries, plus the main cluster); none when they cannot be read (the controller's node
 * message has the same hint then).
 */
export async function unconfiguredClusters(
  wf: Workflow,
  mainCluster: string,
  configured: () => Promise<ClusterTarget[] | string>,
): Promise<string[]> {
  if (!namesACluster(wf)) return [];
  const targets = await configured();
  if (typeof targets === 'string') return [];
  const names = [...new Set([mainCluster, ...targets.map((t) => t.cluster)])].sort();
  return unknownClusterProblems(wf, names);
}
