/**
 * Reading a workflow file the way `argo submit` does: YAML or JSON, `-p name=value` overriding
 * `spec.arguments.parameters`, then a structural check so obvious mistakes (missing entrypoint,
 * unknown template, a dependency cycle) are reported with their path before anything is created.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { DAGTask, Template, Workflow } from '../../engine/types.ts';
import { usageError } from './errors.ts';

/** Reads, parses and checks `file`; throws a usage error (exit 2) naming the file and the path. */
export function loadWorkflowFile(file: string, params: string[] = []): Workflow {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw usageError(
      code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})`,
      'check the path; examples are in examples/',
    );
  }
  const docs = parseAllDocuments(text).filter((d) => !(d.contents === null && d.errors.length === 0));
  const bad = docs.find((d) => d.errors.length > 0);
  if (bad) {
    const err = bad.errors[0]!;
    const pos = err.linePos?.[0];
    throw usageError(
      `${file}: invalid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${err.message.split('\n')[0]}`,
    );
  }
  const objects = docs.map((d) => d.toJS() as unknown);
  const wf = objects.find((o) => isObject(o) && (o.kind === undefined || o.kind === 'Workflow'));
  if (!isObject(wf)) throw usageError(`${file}: no Workflow found`, 'the file needs a `kind: Workflow` document');
  const workflow = normalise(wf);
  applyParameters(workflow, params, file);
  const problems = checkWorkflow(workflow);
  if (problems.length) {
    throw usageError(`${file}: invalid workflow: ${problems.join('; ')}`, 'fix the spec and try again (argosy lint)');
  }
  return workflow;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normalise(o: Record<string, unknown>): Workflow {
  const wf = o as unknown as Workflow;
  wf.apiVersion ??= 'argoproj.io/v1alpha1';
  wf.kind ??= 'Workflow';
  wf.metadata = isObject(wf.metadata) ? wf.metadata : {};
  wf.spec = isObject(wf.spec) ? wf.spec : {};
  return wf;
}

/** `-p name=value`: replaces or adds a workflow argument (argo `submit -p`). */
export function applyParameters(wf: Workflow, params: string[], file = 'workflow'): void {
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw usageError(`-p ${p}: expected NAME=VALUE`);
    const name = p.slice(0, eq);
    const value = p.slice(eq + 1);
    wf.spec.arguments ??= {};
    const list = (wf.spec.arguments.parameters ??= []);
    const existing = list.find((x) => x.name === name);
    if (existing) existing.value = value;
    else if (list.length === 0 || !wf.spec.workflowTemplateRef) list.push({ name, value });
    else throw usageError(`${file}: -p ${name}: no such parameter`);
  }
}

/** Structural problems, each with its path; empty = fine for submission. */
export function checkWorkflow(wf: Workflow): string[] {
  const problems: string[] = [];
  if (wf.metadata.name === undefined && wf.metadata.generateName === undefined) {
    problems.push('metadata: needs name or generateName');
  }
  const templates = wf.spec.templates ?? [];
  if (!Array.isArray(templates)) return [...problems, 'spec.templates: must be a list'];
  const names = new Set<string>();
  templates.forEach((t, i) => {
    if (!t?.name) problems.push(`spec.templates[${i}].name: required`);
    else if (names.has(t.name)) problems.push(`spec.templates[${i}].name: duplicate "${t.name}"`);
    else names.add(t.name);
  });
  if (!wf.spec.workflowTemplateRef) {
    if (!wf.spec.entrypoint) problems.push('spec.entrypoint: required');
    else if (!names.has(wf.spec.entrypoint))
      problems.push(`spec.entrypoint: template "${wf.spec.entrypoint}" not found`);
  }
  templates.forEach((t, i) => problems.push(...checkTemplate(t, `spec.templates[${i}]`, names)));
  return problems;
}

function checkTemplate(t: Template, path: string, names: Set<string>): string[] {
  const problems: string[] = [];
  const ref = (step: { template?: string; templateRef?: unknown; inline?: unknown }, p: string) => {
    if (step.template && !names.has(step.template)) problems.push(`${p}.template: "${step.template}" not found`);
  };
  (t.steps ?? []).forEach((group, g) =>
    (Array.isArray(group) ? group : []).forEach((s, j) => ref(s, `${path}.steps[${g}][${j}]`)),
  );
  const tasks = t.dag?.tasks ?? [];
  tasks.forEach((task, j) => ref(task, `${path}.dag.tasks[${j}]`));
  if (tasks.length) problems.push(...checkDag(tasks, `${path}.dag.tasks`));
  return problems;
}

/** Task names in a `depends` expression or `dependencies` list. */
export function dependenciesOf(task: DAGTask): string[] {
  if (task.dependencies?.length) return task.dependencies;
  if (!task.depends) return [];
  return [...task.depends.matchAll(/[A-Za-z0-9_-]+(?:\.[A-Za-z]+)?/g)]
    .map((m) => m[0].split('.')[0]!)
    .filter((n) => n !== '' && !/^(true|false)$/.test(n));
}

function checkDag(tasks: DAGTask[], path: string): string[] {
  const problems: string[] = [];
  const byName = new Map(tasks.map((t) => [t.name, t]));
  for (const t of tasks) {
    for (const d of dependenciesOf(t)) {
      if (!byName.has(d)) problems.push(`${path}[${t.name}]: depends on unknown task "${d}"`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...trail.slice(trail.indexOf(name)), name];
    state.set(name, 'visiting');
    for (const d of dependenciesOf(byName.get(name)!)) {
      if (!byName.has(d)) continue;
      const cycle = visit(d, [...trail, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const t of tasks) {
    const cycle = visit(t.name, []);
    if (cycle) {
      problems.push(`${path}: dependency cycle ${cycle.join(' -> ')}`);
      break;
    }
  }
  return problems;
}

/** Clusters the workflow's templates name (besides the main cluster). */
export function referencedClusters(wf: Workflow): string[] {
  const set = new Set<string>();
  for (const t of wf.spec.templates ?? [])
    if (typeof t.clusterName === 'string' && t.clusterName) set.add(t.clusterName);
  return [...set].sort();
}
