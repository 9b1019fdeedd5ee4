/**
 * `clusterName`s a workflow names that the clusters the CLI can see do not have, with the closest
 * configured name (`othr` → `other`), so a typo is found at lint time rather than as a node Error.
 * Templated names (`{{…}}`) are left to the controller, which resolves them.
 */
import type { Workflow } from '../../engine/types.ts';
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
