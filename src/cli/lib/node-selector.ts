/** `--node-field-selector` / `--status` of `get` and `submit`: which nodes the tree prints. */
import type { NodeStatus } from '../../engine/types.ts';
import { nodeSelectorMatcher } from '../../engine/suspend/resume.ts';
import { usageError } from './errors.ts';

/** The predicate for `selector` (undefined = every node); a selector that does not parse exits 2. */
export function nodeSelectorOf(selector: string | undefined): ((n: NodeStatus) => boolean) | undefined {
  if (!selector) return undefined;
  try {
    return nodeSelectorMatcher(selector);
  } catch (e) {
    throw usageError(`selector is invalid: ${(e as Error).message}`, 'e.g. --node-field-selector phase=Failed');
  }
}

/** argo's `--status X` is `--node-field-selector phase=X`; both at once are refused as argo does. */
export function nodeFilterFlag(opts: { status?: string; nodeFieldSelector?: string }): string | undefined {
  if (opts.status && opts.nodeFieldSelector) throw usageError('cannot use both --status and --node-field-selector');
  return opts.status ? `phase=${opts.status}` : opts.nodeFieldSelector;
}
