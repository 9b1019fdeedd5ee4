/**
 * `argosy cron create|list|get|delete|suspend|resume|lint|update`: CronWorkflows in the main cluster with
 * `argo cron`'s output (the `%-30s` get block, the NAME/AGE/LAST RUN/NEXT RUN table, `CronWorkflow
 * 'x' suspended`). The schedules are evaluated by the cron function (docs/adr/0014-cron-scheduling.md).
 */
import { Command } from 'commander';
import { isNotFound } from '../../adapters/kube/errors.ts';
import type { CronWorkflow } from '../../engine/cron/decide-cron.ts';
import { cronProblems } from '../../engine/cron/validate-cron.ts';
import { alignTable } from '../render/table.ts';
import { parseTime, shortDuration } from '../render/time.ts';
import { contextOf } from '../lib/context.ts';
import { failure, usageError } from '../lib/errors.ts';
import { checkOutput } from '../lib/output.ts';
import { withTarget, type Target } from '../lib/kube-target.ts';
import { makeCronUpdateCommand } from './cron-update.ts';
import { makeCronBackfillCommand } from './cron-backfill.ts';
import { nextTime, path, print, readCrons } from '../lib/cron-view.ts';

async function getCron(target: Target, name: string): Promise<CronWorkflow> {
  try {
    return await target.client.request<CronWorkflow>({ method: 'GET', path: path(target.namespace, name) });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    throw failure(
      `cronworkflows.argoproj.io "${name}" not found in namespace "${target.namespace}"`,
      'list them: argosy cron list',
    );
  }
}

function listRows(items: CronWorkflow[], all: boolean): string[][] {
  const now = new Date();
  const rows = [
    [...(all ? ['NAMESPACE'] : []), 'NAME', 'AGE', 'LAST RUN', 'NEXT RUN', 'SCHEDULES', 'TIMEZONE', 'SUSPENDED'],
  ];
  for (const c of items) {
    const created = parseTime(c.metadata.creationTimestamp);
    const last = parseTime(c.status?.lastScheduledTime ?? undefined);
    const next = nextTime(c);
    rows.push([
      ...(all ? [c.metadata.namespace ?? ''] : []),
      c.metadata.name ?? '',
      created ? shortDuration(created, now, now) : '',
      last ? shortDuration(last, now, now) : 'N/A',
      next ? shortDuration(now, next, now) : 'N/A',
      (c.spec.schedules ?? []).join(','),
      c.spec.timezone ?? '',
      String(c.spec.suspend === true),
    ]);
  }
  return rows;
}

function setSuspend(verb: 'suspend' | 'resume'): Command {
  return new Command(verb)
    .description(`${verb} CronWorkflows`)
    .argument('<names...>', 'CronWorkflow names')
    .action(async (names: string[], _o: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      await withTarget(ctx, async (target) => {
        for (const name of names) {
          await getCron(target, name);
          await target.client.request({
            method: 'PATCH',
            path: path(target.namespace, name),
            body: { spec: { suspend: verb === 'suspend' } },
            contentType: 'application/merge-patch+json',
          });
          ctx.io.out(`CronWorkflow '${name}' ${verb === 'suspend' ? 'suspended' : 'resumed'}\n`);
        }
      });
    });
}

/** argo's pretty lint report for CronWorkflows; returns the error count (1 when nothing was linted). */
function lint(files: string[], out: (s: string) => void): number {
  let total = 0;
  let linted = 0;
  for (const { file, crons } of readCrons(files)) {
    const errs = crons.flatMap((c) => {
      linted++;
      return cronProblems(c).map((p) => `in "${c.metadata.name ?? ''}" (CronWorkflow): ${p}`);
    });
    total += errs.length;
    if (errs.length) out(`${file}:\n${errs.map((e) => `   ✖ ${e}\n`).join('')}\n`);
  }
  if (linted === 0) out('✖ found nothing to lint in the specified paths, failing...\n');
  else out(total === 0 ? '✔ no linting errors found!\n' : `✖ ${total} linting errors found!\n`);
  return linted === 0 ? 1 : total;
}

function createCommand(): Command {
  return new Command('create')
    .description('create CronWorkflows from files')
    .argument('<files...>', 'YAML or JSON files')
    .option('-o, --output <format>', 'name, json, yaml or wide')
    .action(async (files: string[], opts: { output?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, ['wide', 'name', 'json', 'yaml'] as const, 'wide');
      const crons = readCrons(files).flatMap((x) => x.crons);
      if (crons.length === 0) throw usageError('no CronWorkflow found in given files');
      for (const c of crons) {
        const problems = cronProblems(c);
        if (problems.length) throw usageError(`CronWorkflow "${c.metadata.name ?? ''}": ${problems.join('; ')}`);
      }
      await withTarget(ctx, async (target) => {
        for (const c of crons) {
          const ns = c.metadata.namespace ?? target.namespace;
          const body = {
            ...c,
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'CronWorkflow',
            metadata: { ...c.metadata, namespace: ns },
          };
          print(ctx, await target.client.request<CronWorkflow>({ method: 'POST', path: path(ns), body }), output);
        }
      });
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('list CronWorkflows')
    .option('-A, --all-namespaces', 'of every namespace')
    .option('-o, --output <format>', 'wide or name')
    .action(async (opts: { allNamespaces?: boolean; output?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, ['wide', 'name'] as const, 'wide');
      await withTarget(ctx, async (target) => {
        const p = opts.allNamespaces ? '/apis/argoproj.io/v1alpha1/cronworkflows' : path(target.namespace);
        const items = (await target.client.request<{ items?: CronWorkflow[] }>({ method: 'GET', path: p })).items ?? [];
        if (output === 'name') return items.forEach((c) => ctx.io.out(`${c.metadata.name}\n`));
        ctx.io.out(alignTable(listRows(items, opts.allNamespaces === true), 3).join('\n') + '\n');
      });
    });
}

function getCommand(): Command {
  return new Command('get')
    .description('display details about CronWorkflows')
    .argument('<names...>', 'CronWorkflow names')
    .option('-o, --output <format>', 'name, json, yaml or wide')
    .action(async (names: string[], opts: { output?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, ['wide', 'name', 'json', 'yaml'] as const, 'wide');
      await withTarget(ctx, async (target) => {
        for (const name of names) print(ctx, await getCron(target, name), output);
      });
    });
}

function deleteCommand(): Command {
  return new Command('delete')
    .description('delete CronWorkflows (their runs go with them: owner references)')
    .argument('<names...>', 'CronWorkflow names')
    .action(async (names: string[], _o: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      await withTarget(ctx, async (target) => {
        for (const name of names) {
          await getCron(target, name);
          await target.client.request({ method: 'DELETE', path: path(target.namespace, name) });
        }
      });
    });
}

function lintCommand(): Command {
  return new Command('lint')
    .description('validate files of CronWorkflow manifests (exit 1 on errors)')
    .argument('<files...>', 'YAML or JSON files')
    .action((files: string[], _o: unknown, cmd: Command) => {
      process.exitCode = lint(files, contextOf(cmd).io.out) > 0 ? 1 : 0;
    });
}

/** `argosy cron …`. */
export function makeCronCommand(): Command {
  const cron = new Command('cron').description('manage CronWorkflows (like `argo cron`)');
  cron.addCommand(createCommand());
  cron.addCommand(listCommand());
  cron.addCommand(getCommand());
  cron.addCommand(deleteCommand());
  cron.addCommand(setSuspend('suspend'));
  cron.addCommand(setSuspend('resume'));
  cron.addCommand(lintCommand());
  cron.addCommand(makeCronUpdateCommand());
  cron.addCommand(makeCronBackfillCommand());
  return cron;
}
