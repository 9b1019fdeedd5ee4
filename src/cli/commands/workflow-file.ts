/**
 * Reading a workflow file the way `argo submit` does: YAML or JSON, `-p name=value` overriding
 * `spec.arguments.parameters`, then a structural check so obvious mistakes (missing entrypoint,
 * unknown template, a dependency cycle) are reported with their path before anything is created.
 * The checks are the engine's own `validateWorkflow`, so the CLI and the controller agree.
 */
import { readFileSync } from 'node:fs';
import type { Workflow } from '../../engine/types.ts';
import { parseWorkflows } from '../../engine/parse.ts';
import { validateWorkflow } from '../../engine/validate.ts';
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
  return workflowFromText(text, file, params);
}

/** Parses and checks workflow text (`source` names it in messages); throws a usage error like {@link loadWorkflowFile}. */
export function workflowFromText(text: string, file: string, params: string[] = []): Workflow {
  const { workflows, errors } = parseWorkflows(text, file);
  const err = errors[0];
  if (err) {
    const what = /kind|object|spec/.test(err.message) ? 'not a Workflow' : 'invalid YAML';
    throw usageError(`${file}:${err.line}:${err.column}: ${what}: ${err.message}`);
  }
  if (workflows.length !== 1) {
    throw usageError(
      workflows.length ? `${file}: ${workflows.length} workflows in one file` : `${file}: no Workflow found`,
      workflows.length ? 'put one workflow per file' : 'the file needs a `kind: Workflow` document with a spec',
    );
  }
  const wf = workflows[0] as unknown as Record<string, unknown>;
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

/** Problems, each with its path (the engine's validation, as the controller will apply it). */
export function checkWorkflow(wf: Workflow): string[] {
  const problems: string[] = [];
  if (wf.metadata.name === undefined && wf.metadata.generateName === undefined) {
    problems.push('metadata: needs name or generateName');
  }
  if (wf.spec.templates !== undefined && !Array.isArray(wf.spec.templates)) {
    return [...problems, 'spec.templates: must be a list'];
  }
  for (const e of validateWorkflow(wf)) problems.push(`${e.path}: ${e.message}`);
  return problems;
}

/** Clusters the workflow's templates name (besides the main cluster). */
export function referencedClusters(wf: Workflow): string[] {
  const set = new Set<string>();
  for (const t of wf.spec.templates ?? [])
    if (typeof t.clusterName === 'string' && t.clusterName) set.add(t.clusterName);
  return [...set].sort();
}
