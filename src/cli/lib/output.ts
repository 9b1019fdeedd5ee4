/** Printing objects the way argo and kubectl do for `-o json|yaml|name`. */
import { stringify } from 'yaml';
import type { Workflow } from '../../engine/types.ts';
import { renderWorkflow, type RenderOptions } from '../render/workflow.ts';
import type { CliContext, Io } from './context.ts';
import { jsonChunks } from './json-chunks.ts';
import { usageError } from './errors.ts';

/** Validates `-o` against the accepted values (exit 2 otherwise). */
export function checkOutput<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  const v = (value ?? fallback) as T;
  if (!allowed.includes(v)) throw usageError(`-o ${value}: expected one of ${allowed.join(', ')}`);
  return v;
}

/**
 * Prints `-o json|yaml` of a large object (a workflow with its nodes): JSON in chunks as they are made,
 * the same bytes as {@link formatObject}.
 */
export async function printObject(io: Io, obj: unknown, format: 'json' | 'yaml'): Promise<void> {
  if (format === 'yaml') return io.out(formatObject(obj, format));
  if (io.outChunks) return io.outChunks(jsonChunks(obj));
  for (const chunk of jsonChunks(obj)) io.out(chunk);
}

/** JSON (2-space, like `argo get -o json`) or YAML. */
export function formatObject(obj: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(obj, null, 2) + '\n' : stringify(obj, { lineWidth: 0 });
}

/** The `argo get` view for a workflow with this context's style. */
export function printWorkflow(ctx: CliContext, wf: Workflow, extra: Partial<RenderOptions> = {}): void {
  ctx.io.out(
    renderWorkflow(wf, { style: ctx.style, now: new Date(), mainCluster: ctx.config.clusterName, ...extra }) + '\n',
  );
}
