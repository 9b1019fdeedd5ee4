/**
 * `argosy template create|list|get|delete|lint` and `argosy cluster-template …`: WorkflowTemplates and
 * ClusterWorkflowTemplates in the main cluster, with `argo template`'s output (`Name:`/`Namespace:`/
 * `Created:` blocks, a NAME table, `WorkflowTemplate 'x' deleted`, the pretty lint report).
 */
import { Command } from 'commander';
import type { Workflow } from '../../engine/types.ts';
import type { KubeClient } from '../../ports/kube.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import { clusterWorkflowTemplatePath, workflowTemplatePath } from '../../adapters/kube/resources.ts';
import { alignTable } from '../render/table.ts';
import { parseTime, timestamp } from '../render/time.ts';
import { contextOf, type CliContext } from '../lib/context.ts';
import { failure, usageError } from '../lib/errors.ts';
import { checkOutput, formatObject } from '../lib/output.ts';
import { withTarget } from '../lib/kube-target.ts';
import { readInputFile } from '../lib/workflow-file.ts';
import { parseWorkflows } from '../../engine/parse.ts';
import { templateProblems } from '../lib/manifests.ts';
import { fileLintIo, lintOutput, runLint } from './lint.ts';

/** What differs between the namespaced and the cluster-scoped command. */
interface Flavour {
  kind: 'WorkflowTemplate' | 'ClusterWorkflowTemplate';
  command: string;
  cluster: boolean;
}

const NAMESPACED: Flavour = { kind: 'WorkflowTemplate', command: 'template', cluster: false };
const CLUSTER: Flavour = { kind: 'ClusterWorkflowTemplate', command: 'cluster-template', cluster: true };
const OUTPUTS = ['wide', 'name', 'json', 'yaml'] as const;
type Output = (typeof OUTPUTS)[number];

function itemPath(f: Flavour, namespace: string, name: string): string {
  return f.cluster ? clusterWorkflowTemplatePath(name) : workflowTemplatePath(namespace, name);
}

function collectionPath(f: Flavour, namespace: string | undefined): string {
  if (f.cluster) return '/apis/argoproj.io/v1alpha1/clusterworkflowtemplates';
  return namespace
    ? `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(namespace)}/workflowtemplates`
    : '/apis/argoproj.io/v1alpha1/workflowtemplates';
}

/** argo's printWorkflowTemplate: the name, JSON/YAML, or the Name/Namespace/Created block. */
function printTemplate(ctx: CliContext, f: Flavour, t: Workflow, output: Output): void {
  if (output === 'name') return ctx.io.out(`${t.metadata.name ?? ''}\n`);
  if (output === 'json' || output === 'yaml') return ctx.io.out(formatObject(t, output));
  const line = (k: string, v: string) => `${k.padEnd(20)} ${v}\n`;
  const created = parseTime(t.metadata.creationTimestamp);
  let text = line('Name:', t.metadata.name ?? '');
  if (!f.cluster) text += line('Namespace:', t.metadata.namespace ?? '');
  text += line('Created:', created ? timestamp(created, new Date()) : '');
  ctx.io.out(text);
}

async function notFoundAsFailure<T>(f: Flavour, name: string, ns: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (!isNotFound(e)) throw e;
    const where = f.cluster ? '' : ` in namespace "${ns}"`;
    throw failure(
      `${f.kind.toLowerCase()}s.argoproj.io "${name}" not found${where}`,
      `list them: argosy ${f.command} list`,
    );
  }
}

/** The templates of the flavour's kind in files; usage error when a file holds none. */
function readTemplates(f: Flavour, files: string[]): { file: string; templates: Workflow[] }[] {
  return files.map((file) => {
    const { workflows, errors } = parseWorkflows(readInputFile(file), file, { kinds: [f.kind] });
    const err = errors[0];
    if (err) throw usageError(`${file}:${err.line}:${err.column}: ${err.message}`);
    return { file, templates: workflows };
  });
}

function createCommand(f: Flavour): Command {
  return new Command('create')
    .description(`create ${f.kind}s from files`)
    .argument('<files...>', 'YAML or JSON files')
    .option('-o, --output <format>', 'name, json, yaml or wide')
    .action(async (files: string[], opts: { output?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, OUTPUTS, 'wide');
      const all = readTemplates(f, files).flatMap((x) => x.templates);
      if (all.length === 0) throw usageError(`No ${f.kind.toLowerCase()} found in given files`);
      for (const t of all) {
        const problems = templateProblems(t);
        if (problems.length > 0) throw usageError(`${f.kind} "${t.metadata.name ?? ''}": ${problems.join('; ')}`);
      }
      await withTarget(ctx, async (target) => {
        for (const t of all) {
          const ns = f.cluster ? '' : (t.metadata.namespace ?? target.namespace);
          const body = { ...t, apiVersion: 'argoproj.io/v1alpha1', kind: f.kind };
          if (!f.cluster) body.metadata = { ...t.metadata, namespace: ns };
          const created = await target.client.request<Workflow>({ method: 'POST', path: collectionPath(f, ns), body });
          printTemplate(ctx, f, created, output);
        }
      });
    });
}

function listCommand(f: Flavour): Command {
  const cmd = new Command('list').description(`list ${f.kind}s`).option('-o, --output <format>', 'wide or name');
  if (!f.cluster) cmd.option('-A, --all-namespaces', 'templates of every namespace');
  return cmd
    .option('-l, --selector <selector>', 'label selector')
    .action(async (opts: { output?: string; allNamespaces?: boolean; selector?: string }, c: Command) => {
      const ctx = contextOf(c);
      const output = checkOutput(opts.output, ['wide', 'name'] as const, 'wide');
      await withTarget(ctx, async (target) => {
        const path = collectionPath(f, opts.allNamespaces ? undefined : target.namespace);
        const query = opts.selector ? { labelSelector: opts.selector } : undefined;
        const list = await target.client.request<{ items?: Workflow[] }>({ method: 'GET', path, query });
        const items = list.items ?? [];
        if (output === 'name') return items.forEach((t) => ctx.io.out(`${t.metadata.name}\n`));
        const rows = [opts.allNamespaces ? ['NAMESPACE', 'NAME'] : ['NAME']];
        for (const t of items)
          rows.push(
            opts.allNamespaces ? [t.metadata.namespace ?? '', t.metadata.name ?? '', ''] : [t.metadata.name ?? '', ''],
          );
        ctx.io.out(alignTable(rows, 3).join('\n') + '\n');
      });
    });
}

function getCommand(f: Flavour): Command {
  return new Command('get')
    .description(`display details about ${f.kind}s`)
    .argument('<names...>', 'template names')
    .option('-o, --output <format>', 'name, json, yaml or wide')
    .action(async (names: string[], opts: { output?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, OUTPUTS, 'wide');
      await withTarget(ctx, async (target) => {
        for (const name of names) {
          const path = itemPath(f, target.namespace, name);
          const t = await notFoundAsFailure(f, name, target.namespace, () =>
            target.client.request<Workflow>({ method: 'GET', path }),
          );
          printTemplate(ctx, f, t, output);
        }
      });
    });
}

async function namesToDelete(
  client: KubeClient,
  f: Flavour,
  ns: string,
  names: string[],
  all: boolean,
): Promise<string[]> {
  if (!all) return names;
  const list = await client.request<{ items?: Workflow[] }>({ method: 'GET', path: collectionPath(f, ns) });
  return (list.items ?? []).map((t) => t.metadata.name ?? '');
}

function deleteCommand(f: Flavour): Command {
  return new Command('delete')
    .description(`delete ${f.kind}s`)
    .argument('[names...]', 'template names')
    .option('--all', `delete all ${f.kind}s`)
    .action(async (names: string[], opts: { all?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      if (!opts.all && names.length === 0) throw usageError('name the templates to delete, or --all');
      await withTarget(ctx, async (target) => {
        for (const name of await namesToDelete(target.client, f, target.namespace, names, opts.all === true)) {
          const path = itemPath(f, target.namespace, name);
          await notFoundAsFailure(f, name, target.namespace, () => target.client.request({ method: 'DELETE', path }));
          ctx.io.out(`${f.kind} '${name}' deleted\n`);
        }
      });
    });
}

/** `argo template lint` is `argo lint` limited to the one kind (Argo's template/lint.go). */
function lintCommand(f: Flavour): Command {
  return new Command('lint')
    .description(`validate files or directories of ${f.kind} manifests (exit 1 on errors)`)
    .argument('<paths...>', 'YAML or JSON files, directories, or - for stdin')
    .option('-o, --output <format>', 'report format: pretty or simple', 'pretty')
    .action((paths: string[], opts: { output?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const kinds = [f.cluster ? 'clusterworkflowtemplates' : 'workflowtemplates'];
      const io = fileLintIo(ctx.io.out, ctx.io.err);
      process.exitCode = runLint(paths, io, { kinds, output: lintOutput(opts.output), color: ctx.style.color });
    });
}

function makeCommand(f: Flavour, description: string): Command {
  const cmd = new Command(f.command).description(description);
  for (const sub of [createCommand(f), listCommand(f), getCommand(f), deleteCommand(f), lintCommand(f)])
    cmd.addCommand(sub);
  return cmd;
}

/** `argosy template …` (WorkflowTemplates of the namespace). */
export function makeTemplateCommand(): Command {
  return makeCommand(NAMESPACED, 'manipulate WorkflowTemplates (like `argo template`)');
}

/** `argosy cluster-template …` (ClusterWorkflowTemplates). */
export function makeClusterTemplateCommand(): Command {
  return makeCommand(CLUSTER, 'manipulate ClusterWorkflowTemplates (like `argo cluster-template`)');
}
