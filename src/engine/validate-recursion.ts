/**
 * Template recursion that can never stop: a cycle of calls where no call has a `when`, a loop, or
 * (in a DAG) dependencies that could omit it. Argo only notices at run time, after 100 levels
 * ("Maximum recursion depth exceeded"); catching it statically turns a runaway into an invalid spec.
 */
import type { Template, WorkflowStep } from './types.ts';
import type { Report } from './validate-common.ts';

const LIMIT_MESSAGE =
  'Maximum recursion depth exceeded. See https://argo-workflows.readthedocs.io/en/latest/scaling/#maximum-recursion-depth';

function isUnconditional(step: WorkflowStep & { depends?: string; dependencies?: string[] }): boolean {
  if (step.when !== undefined && step.when !== '') return false;
  if (step.withItems !== undefined || step.withParam !== undefined || step.withSequence !== undefined) return false;
  if ((step.depends ?? '') !== '' || (step.dependencies?.length ?? 0) > 0) return false;
  return step.template !== undefined;
}

function unconditionalCallees(t: Template): string[] {
  const calls: (WorkflowStep & { depends?: string; dependencies?: string[] })[] = [
    ...(t.steps ?? []).flatMap((g) => (Array.isArray(g) ? g : [])),
    ...(t.dag?.tasks ?? []),
  ];
  return calls.filter(isUnconditional).map((s) => s.template as string);
}

/** Reports each template that starts a never-ending unconditional call cycle. */
export function validateRecursion(templates: Template[], report: Report): void {
  const edges = new Map(templates.map((t) => [t.name, unconditionalCallees(t)]));
  const reported = new Set<string>();
  templates.forEach((t, i) => {
    if (reported.has(t.name)) return;
    const path = findCycleFrom(t.name, edges);
    if (!path) return;
    for (const n of path) reported.add(n);
    report(
      `spec.templates[${i}]`,
      `template '${t.name}' calls itself unconditionally (${path.join(' -> ')}); it would exceed the recursion limit of 100`,
      `templates.${t.name} ${LIMIT_MESSAGE}`,
    );
  });
}

function findCycleFrom(start: string, edges: Map<string, string[]>): string[] | undefined {
  const path: string[] = [start];
  const cursors: number[] = [0];
  const onPath = new Set([start]);
  const done = new Set<string>();
  while (path.length > 0) {
    const cur = path[path.length - 1] as string;
    const next = edges.get(cur) ?? [];
    const k = cursors[cursors.length - 1] as number;
    if (k >= next.length) {
      done.add(cur);
      onPath.delete(cur);
      path.pop();
      cursors.pop();
      continue;
    }
    cursors[cursors.length - 1] = k + 1;
    const callee = next[k] as string;
    if (callee === start) return [...path, start];
    if (onPath.has(callee) || done.has(callee)) continue;
    path.push(callee);
    cursors.push(0);
    onPath.add(callee);
  }
  return undefined;
}
