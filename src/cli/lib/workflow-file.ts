/**
 * Reading a workflow file the way `argo submit` does: YAML or JSON, `-p name=value` overriding
 * `spec.arguments.parameters`, then a structural check so obvious mistakes (missing entrypoint,
 * unknown template, a dependency cycle) are reported with their path before anything is created.
 * The checks are the engine's own `validateWorkflow`, so the CLI and the controller agree.
 */
import { placementOf } from '../../engine/placement/spec.ts';
import { readFileSync } from 'node:fs';
import type { Workflow } from '../../engine/types.ts';
import { parseDocuments, TEMPLATE_KINDS, type Manifest } from './manifests.ts';
import { validateWorkflow } from '../../engine/validate.ts';
import { objectNameProblems } from '../../engine/kube-names.ts';
import { usageError } from './errors.ts';

/** Reads a file (`-` = stdin, as `argo submit -`); a usage error (exit 2) when it cannot be read. */
export function readInputFile(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw usageError(
      code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})`,
      'check the path; examples are in examples/',
    );
  }
}

/** Reads, parses and checks `file`; throws a usage error (exit 2) naming the file and the path. */
export function loadWorkflowFile(file: string, params: string[] = []): Workflow {
  return workflowFromText(readInputFile(file), file, params);
}

/** A workflow and the objects its file (or `--apply` files) carry, to apply before it is created. */
export interface WorkflowBundle {
  workflow: Workflow;
  objects: Manifest[];
}

/**
 * Reads a workflow file that may also hold (Cluster)WorkflowTemplates and ConfigMaps, plus files whose
 * objects are applied first (`--apply`: templates, ConfigMaps, Secrets and PersistentVolumeClaims only).
 */
export function loadWorkflowBundle(file: string, params: string[] = [], apply: string[] = []): WorkflowBundle {
  const objects: Manifest[] = [];
  for (const extra of apply) {
    const docs = parseDocuments(readInputFile(extra), extra);
    if (docs.workflows.length > 0)
      throw usageError(
        `${extra}: --apply files hold templates, ConfigMaps, Secrets and PersistentVolumeClaims, not Workflows`,
        `run it: argosy run ${extra}`,
      );
    objects.push(...docs.objects);
  }
  const bundle = bundleFromText(readInputFile(file), file, params);
  return { workflow: bundle.workflow, objects: [...objects, ...bundle.objects] };
}

/** Parses and checks workflow text (`file` names it in messages); throws a usage error like {@link loadWorkflowFile}. */
export function workflowFromText(text: string, file: string, params: string[] = []): Workflow {
  return bundleFromText(text, file, params).workflow;
}

/** {@link workflowFromText}, keeping the file's templates and objects to apply. */
export function bundleFromText(text: string, file: string, params: string[] = []): WorkflowBundle {
  const { workflows, objects } = bundlesFromText(text, file, (wf) => applyParameters(wf, params, file));
  if (workflows.length !== 1) {
    throw usageError(`${file}: ${workflows.length} workflows in one file`, 'put one workflow per file');
  }
  return { workflow: workflows[0]!, objects };
}

/** Every Workflow of a file (multi-document files as `argo submit` reads them) and the objects to apply first. */
export interface FileBundle {
  workflows: Workflow[];
  objects: Manifest[];
}

/**
 * Every Workflow document of `text`, each changed by `prepare` (flags such as -p or --entrypoint)
 * and then checked as the controller will, plus the file's templates and objects to apply.
 */
export function bundlesFromText(
  text: string,
  file: string,
  prepare: (wf: Workflow) => void = () => {},
  strict = true,
): FileBundle {
  const { workflows, objects } = parseDocuments(text, file, strict);
  if (workflows.length === 0) {
    throw usageError(`${file}: no Workflow found`, 'the file needs a `kind: Workflow` document with a spec');
  }
  const checked = workflows.map((doc) => {
    const workflow = normalise(doc as unknown as Record<string, unknown>);
    prepare(workflow);
    const problems = checkWorkflow(workflow);
    if (problems.length) {
      throw usageError(`${file}: invalid workflow: ${problems.join('; ')}`, 'fix the spec and try again (argosy lint)');
    }
    return workflow;
  });
  return { workflows: checked, objects };
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
  // The API server would refuse the object with these words (a 422 after the stack started).
  problems.push(...objectNameProblems(wf.metadata));
  if (wf.spec.templates !== undefined && !Array.isArray(wf.spec.templates)) {
    return [...problems, 'spec.templates: must be a list'];
  }
  for (const e of validateWorkflow(wf)) problems.push(`${e.path}: ${e.message}`);
  return problems;
}

/** Clusters the workflow's templates (and those of the templates applied with it) name. */
export function referencedClusters(wf: Workflow, objects: Manifest[] = []): string[] {
  const set = new Set<string>();
  const templates = objects.filter((o) => TEMPLATE_KINDS.includes(o.kind)) as unknown as Workflow[];
  for (const spec of [wf.spec, ...templates.map((t) => t.spec)])
    for (const t of spec.templates ?? []) {
      if (typeof t.clusterName === 'string' && t.clusterName) set.add(t.clusterName);
      // `placement.clusters` candidates are started too (a selector's clusters are not known here).
      for (const c of placementOf(t)?.clusters ?? []) if (typeof c === 'string' && c && !c.includes('{{')) set.add(c);
    }
  return [...set].sort();
}
