/**
 * `argosy cron update FILE...`, as `argo cron update`: each CronWorkflow of the files replaces the one
 * of the same name (read first for its resourceVersion, so a change made meanwhile is a conflict, not
 * lost), after the checks `cron create` makes; `--entrypoint`, `--serviceaccount`, `-p`/`-f` change its
 * workflowSpec as they change a submitted workflow; argo's get view (or `-o`) of each one updated.
 */
import { Command } from 'commander';
import type { CronWorkflow } from '../../engine/cron/decide-cron.ts';
import { cronProblems } from '../../engine/cron/validate-cron.ts';
import type { Workflow } from '../../engine/types.ts';
import { contextOf } from '../lib/context.ts';
import { failure, usageError } from '../lib/errors.ts';
import { withTarget } from '../lib/kube-target.ts';
import { checkOutput } from '../lib/output.ts';
import { applySubmitFlags, readParameterFile, type SubmitFlags } from './submit-opts.ts';
import { path, print, readCrons } from '../lib/cron-view.ts';
import { lintStrict, NOT_STRICT_NOTE } from './lint.ts';
import { isConflict } from '../../adapters/kube/errors.ts';
import type { HttpKubeClient } from '../../adapters/kube/http-client.ts';

/** Attempts at replacing a CronWorkflow whose status the cron evaluator may write meanwhile. */
const ATTEMPTS = 5;

interface UpdateFlags {
  output?: string;
  entrypoint?: string;
  serviceaccount?: string;
  parameter: string[];
  parameterFile?: string;
  strict?: string | boolean;
}

/** The files' CronWorkflows with the flags applied to their workflowSpec; refused ones exit 2. */
function loadCrons(files: string[], flags: UpdateFlags): CronWorkflow[] {
  const params = [...flags.parameter, ...(flags.parameterFile ? readParameterFile(flags.parameterFile) : [])];
  const crons = readCrons(files).flatMap((x) => x.crons);
  if (crons.length === 0) throw usageError('no CronWorkflow found in given files');
  const submit: SubmitFlags = { parameter: [], entrypoint: flags.entrypoint, serviceaccount: flags.serviceaccount };
  for (const c of crons) {
    const wf = { metadata: {}, spec: c.spec.workflowSpec ?? {} } as Workflow;
    applySubmitFlags(wf, submit, params, c.metadata.name ?? '');
    c.spec.workflowSpec = wf.spec;
    const problems = cronProblems(c);
    if (problems.length) throw usageError(`CronWorkflow "${c.metadata.name ?? ''}": ${problems.join('; ')}`);
  }
  return crons;
}

export function makeCronUpdateCommand(): Command {
  return new Command('update')
    .description('update CronWorkflows from files (each replaces the one of its name)')
    .argument('[files...]', 'YAML or JSON files')
    .option('-o, --output <format>', 'name, json, yaml or wide')
    .option('--entrypoint <template>', 'override the entrypoint of the workflowSpec')
    .option('--serviceaccount <name>', "the workflowSpec's service account")
    .option(
      '-p, --parameter <name=value>',
      'set a workflow argument (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('-f, --parameter-file <file>', 'a YAML or JSON file of parameter names to values')
    .option('--strict [bool]', 'strict validation (default true)')
    .action(async (files: string[], flags: UpdateFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      if (!lintStrict(flags.strict, files)) ctx.io.err(NOT_STRICT_NOTE);
      if (files.length === 0) throw usageError("missing required argument 'files'", 'argosy cron update FILE...');
      const output = checkOutput(flags.output, ['wide', 'name', 'json', 'yaml'] as const, 'wide');
      const crons = loadCrons(files, flags);
      await withTarget(ctx, async (target) => {
        for (const c of crons) print(ctx, await replaceCron(target.client, c, target.namespace), output);
      });
    });
}

/**
 * Replaces the stored CronWorkflow of `c`'s name at the resourceVersion just read. The cron evaluator
 * writes the object's status when a tick runs, so a 409 between the read and the write is read again
 * and retried, as the write only carries the file's spec over what is stored.
 */
async function replaceCron(client: HttpKubeClient, c: CronWorkflow, namespace: string): Promise<CronWorkflow> {
  const ns = c.metadata.namespace ?? namespace;
  const name = c.metadata.name ?? '';
  for (let attempt = 1; ; attempt++) {
    let current: CronWorkflow & { metadata: { resourceVersion?: string } };
    try {
      current = await client.request({ method: 'GET', path: path(ns, name) });
    } catch (e) {
      throw failure(
        `failed to get existing cron workflow "${name}" to update: ${(e as Error).message}`,
        'create it first: argosy cron create FILE',
      );
    }
    const body = {
      ...c,
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'CronWorkflow',
      metadata: { ...c.metadata, namespace: ns, resourceVersion: current.metadata.resourceVersion },
      status: current.status,
    };
    try {
      return await client.request<CronWorkflow>({ method: 'PUT', path: path(ns, name), body });
    } catch (e) {
      if (!isConflict(e) || attempt >= ATTEMPTS) throw e;
    }
  }
}
