/**
 * `argosy node set NAME --node-field-selector SEL [-p name=value]... [--phase P] [-m MESSAGE]`: sets
 * the phase, message or supplied output parameters of active suspend nodes, as `argo node set` does
 * (the engine's `setSuspendedNodes`). The write is the reconcile's own, with the resourceVersion
 * precondition; a 409 re-reads and tries again. `argosy resume` then continues the workflow.
 */
import { Command } from 'commander';
import { isConflict } from '../../adapters/kube/errors.ts';
import { discoverStatusSubresource } from '../../adapters/kube/resources.ts';
import { setSuspendedNodes, type SetNodeValues } from '../../engine/index.ts';
import type { NodePhase } from '../../engine/types.ts';
import { writeWorkflow } from '../../runtime/write-workflow.ts';
import { contextOf } from '../lib/context.ts';
import { failure, usageError } from '../lib/errors.ts';
import { fetchWorkflow } from './get.ts';
import { withTarget, type Target } from '../lib/kube-target.ts';

const ATTEMPTS = 3;
const PHASES: readonly NodePhase[] = ['Pending', 'Running', 'Succeeded', 'Skipped', 'Failed', 'Error', 'Omitted'];

/** Commander collector for a repeatable `-p name=value`. */
export function collectParameter(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A Go string literal (`"a\nb"`, `` `raw` ``) as Go's strconv.Unquote reads it; anything else as is. */
function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('`') && v.endsWith('`') && !v.slice(1, -1).includes('`')) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      return v;
    }
  }
  return v;
}

/** `-p name=value` flags as Argo's CLI reads them (the value may be a quoted Go string). */
export function parseOutputParameters(flags: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq < 0) throw usageError(`expected parameter of the form: NAME=VALUE. Received: ${flag}`);
    out[flag.slice(0, eq)] = unquote(flag.slice(eq + 1));
  }
  return out;
}

async function setOnce(target: Target, name: string, selector: string, values: SetNodeValues, sub: boolean) {
  const wf = await fetchWorkflow(target, name);
  let status;
  try {
    status = setSuspendedNodes(wf, selector, values, new Date());
  } catch (e) {
    throw failure((e as Error).message, 'check the node field selector and parameter names against `argosy get`');
  }
  await writeWorkflow(target.client, wf, status, undefined, sub, { nodeStatus: target.nodeStatus });
}

/** Sets values on one workflow's suspend nodes (re-reading and retrying on a write conflict). */
export async function setNodes(target: Target, name: string, selector: string, values: SetNodeValues): Promise<void> {
  const sub = await discoverStatusSubresource(target.client);
  for (let attempt = 1; ; attempt++) {
    try {
      return await setOnce(target, name, selector, values, sub);
    } catch (e) {
      if (!isConflict(e) || attempt >= ATTEMPTS) throw e;
    }
  }
}

interface SetFlags {
  nodeFieldSelector?: string;
  outputParameter: string[];
  phase?: string;
  message?: string;
}

function valuesOf(opts: SetFlags): SetNodeValues {
  const values: SetNodeValues = { outputParameters: parseOutputParameters(opts.outputParameter) };
  if (opts.phase) {
    if (!PHASES.includes(opts.phase as NodePhase))
      throw usageError(`unknown phase '${opts.phase}'`, `use one of ${PHASES.join(', ')}`);
    values.phase = opts.phase as NodePhase;
  }
  if (opts.message) values.message = opts.message;
  return values;
}

export function makeNodeCommand(): Command {
  return new Command('node')
    .description('perform an action on a node of a workflow (only `set`, on suspend nodes, as argo node set)')
    .argument('<action>', 'set')
    .argument('<workflow>', 'workflow name')
    .option('--node-field-selector <selector>', 'the suspend nodes to set, e.g. displayName=approve')
    .option('-p, --output-parameter <name=value>', 'set a supplied output parameter; repeatable', collectParameter, [])
    .option('--phase <phase>', 'set the node phase, e.g. Succeeded')
    .option('-m, --message <message>', 'set the node message')
    .action(async (action: string, name: string, opts: SetFlags, cmd: Command) => {
      if (action !== 'set') throw usageError(`unknown action '${action}'`, 'the only action is `set`');
      const values = valuesOf(opts);
      const ctx = contextOf(cmd);
      await withTarget(ctx, async (target) => {
        await setNodes(target, name, opts.nodeFieldSelector ?? '', values);
        ctx.io.out('workflow values set\n');
      });
    });
}
