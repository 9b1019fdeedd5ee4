/**
 * Structural checks that come before every other rule: lists are lists and templates are objects.
 * The API server's CRD schema would refuse such objects; files given to `argosy lint`/`run` have no
 * schema in front of them, and the semantic rules rely on these shapes.
 */
import type { Workflow } from './types.ts';

export type ShapeReport = (path: string, message: string) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function expectList(value: unknown, path: string, report: ShapeReport): value is unknown[] {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return true;
  report(path, `must be a list, not ${typeof value}`);
  return false;
}

/** Reports every structural problem; semantic validation runs only when there is none. */
export function validateShape(wf: Workflow, report: ShapeReport): void {
  const spec: unknown = wf.spec;
  if (!isObject(spec)) return report('spec', 'must be an object');
  const args = spec.arguments;
  if (args !== undefined && args !== null) {
    if (!isObject(args)) report('spec.arguments', 'must be an object');
    else expectList(args.parameters, 'spec.arguments.parameters', report);
  }
  const templates = spec.templates;
  if (!expectList(templates, 'spec.templates', report)) return;
  templates.forEach((t, i) => {
    const path = `spec.templates[${i}]`;
    if (!isObject(t)) return report(path, 'must be an object');
    if (expectList(t.steps, `${path}.steps`, report))
      t.steps.forEach((group, g) => {
        expectList(group, `${path}.steps[${g}]`, report);
      });
    if (t.dag !== undefined && t.dag !== null) {
      if (!isObject(t.dag)) report(`${path}.dag`, 'must be an object');
      else expectList(t.dag.tasks, `${path}.dag.tasks`, report);
    }
    if (isObject(t.inputs)) expectList(t.inputs.parameters, `${path}.inputs.parameters`, report);
  });
}
