/**
 * Argo's checks of a container-set template (workflow/validate/validate.go `validateLeaf`,
 * ContainerSetTemplate.Validate): members named uniquely and validly, mount paths once, dependencies
 * defined and acyclic, a member named `main` when the template has input artifacts or outputs, and no
 * member named as one of Argo's own containers.
 */
import type { Template, Workflow } from './types.ts';
import { fieldNameProblem, type Report } from './validate-common.ts';

/** Argo's `IsArgoSidecar`: its own containers' names. */
function isArgoContainerName(name: string): boolean {
  return name === 'wait' || name === 'supervisor' || name.startsWith('artifact-plugin-');
}

/** The first problem of ContainerSetTemplate.Validate, in Argo's words (after `containerSet.`). */
function setProblem(t: Template): string | undefined {
  const set = t.containerSet ?? {};
  const members = set.containers ?? [];
  if (members.length === 0) return 'containers must have at least one container';
  const seen = new Set<string>();
  for (const [i, c] of members.entries()) {
    if (!c.name) return `containers[${i}].name is required`;
    const bad = fieldNameProblem(c.name);
    if (bad) return `containers[${i}].name: '${c.name}' is invalid: ${bad}`;
    if (seen.has(c.name)) return `containers[${i}].name '${c.name}' is not unique`;
    seen.add(c.name);
  }
  const paths = new Map<string, string>();
  for (const [i, m] of (set.volumeMounts ?? []).entries()) {
    const prev = paths.get(m.mountPath);
    if (prev) return `volumeMounts[${i}].mountPath '${m.mountPath}' already mounted in ${prev}`;
    paths.set(m.mountPath, `volumeMounts.${m.name}`);
  }
  for (const c of members)
    for (const d of c.dependencies ?? []) if (!seen.has(d)) return `containers.${c.name} dependency '${d}' not defined`;
  const cycle = findCycle(new Map(members.map((c) => [c.name, c.dependencies ?? []])));
  return cycle ? `containers dependency cycle detected: ${cycle}` : undefined;
}

/** Argo's `validateNoCycles` (names visited in sorted order): `a->b->a`, or undefined. */
function findCycle(graph: Map<string, string[]>): string | undefined {
  const visited = new Set<string>();
  const visit = (name: string, path: string[]): string | undefined => {
    if (visited.has(name)) return undefined;
    for (const d of graph.get(name) ?? []) {
      if (path.includes(d)) return `${path.join('->')}->${d}`;
      const found = visit(d, [...path, d]);
      if (found) return found;
    }
    visited.add(name);
    return undefined;
  };
  for (const name of [...graph.keys()].sort()) {
    const found = visit(name, []);
    if (found) return found;
  }
  return undefined;
}

/** Lint/submit checks of a container-set template `t` (index `i` in spec.templates). */
export function validateContainerSet(_wf: Workflow, t: Template, i: number, report: Report): void {
  const path = `spec.templates[${i}].containerSet`;
  const problem = setProblem(t);
  if (problem) return report(path, problem, `templates.${t.name}.containerSet.${problem}`);
  const io =
    (t.inputs?.artifacts ?? []).length + (t.outputs?.parameters ?? []).length + (t.outputs?.artifacts ?? []).length;
  const names = (t.containerSet?.containers ?? []).map((c) => c.name);
  if (io > 0 && !names.includes('main'))
    return report(
      `${path}.containers`,
      'must have a container named "main" for input or output',
      `templates.${t.name}.containerSet.containers must have a container named "main" for input or output`,
    );
  const reserved = names.find(isArgoContainerName);
  if (reserved)
    report(
      `${path}.containers`,
      `"${reserved}" is a reserved Argo container name`,
      `templates.${t.name}.containerSet.containers: "${reserved}" is a reserved Argo container name`,
    );
}
