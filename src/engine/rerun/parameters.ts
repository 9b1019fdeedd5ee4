/**
 * `-p NAME=VALUE` of `argo retry` / `argo resubmit` (Argo's overrideParameters in workflow/util/util.go):
 * the given parameters first, then the workflow's others; the spec stored at start gets the same list,
 * since that is what the controller runs.
 */
import type { Parameter, Workflow } from '../types.ts';
import { storedSpec } from '../effective-spec.ts';
import { RerunError } from './rerun-error.ts';

/** The parameters `NAME=VALUE` strings stand for; throws Argo's error for one without `=`. */
export function parseParameterOverrides(given: readonly string[]): Parameter[] {
  return given.map((text) => {
    const at = text.indexOf('=');
    if (at < 0) throw new RerunError(`expected parameter of the form: NAME=VALUE. Received: ${text}`);
    return { name: text.slice(0, at), value: text.slice(at + 1) };
  });
}

/** The workflow with its arguments overridden (a copy; unchanged when nothing is given). */
export function overrideParameters(wf: Workflow, given: readonly string[]): Workflow {
  if (given.length === 0) return wf;
  const passed = parseParameterOverrides(given);
  const names = new Set(passed.map((p) => p.name));
  const parameters = [...passed, ...(wf.spec.arguments?.parameters ?? []).filter((p) => !names.has(p.name))];
  const out: Workflow = { ...wf, spec: { ...wf.spec, arguments: { ...wf.spec.arguments, parameters } } };
  const stored = storedSpec(wf);
  if (stored && wf.status) {
    const storedArgs = { ...stored.arguments, parameters };
    out.status = { ...wf.status, storedWorkflowTemplateSpec: { ...stored, arguments: storedArgs } };
  }
  return out;
}
