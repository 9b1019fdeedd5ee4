/**
 * Argo's spec-level checks for hooks and podGC (workflow/validate/validate.go): every hook but `exit`
 * needs an `expression` (workflow and steps; Argo does not check DAG tasks here, their node errors at
 * run time), and `podGC.strategy` must be one Argo knows.
 */
import type { LifecycleHook, Template, Workflow } from './types.ts';
import type { Report } from './validate-common.ts';

const POD_GC = ['', 'OnPodCompletion', 'OnPodSuccess', 'OnWorkflowCompletion', 'OnWorkflowSuccess'];

function checkHooks(
  hooks: Record<string, LifecycleHook> | undefined,
  path: string,
  argo: string,
  report: Report,
): void {
  for (const name of Object.keys(hooks ?? {}).sort()) {
    if (name === 'exit' || hooks?.[name]?.expression) continue;
    report(`${path}.${name}.expression`, `hook '${name}' needs an expression`, `${argo}.${name} Expression required`);
  }
}

/** Workflow hooks, steps' hooks and podGC. */
export function validateHooksAndGc(wf: Workflow, report: Report): void {
  checkHooks(wf.spec.hooks, 'spec.hooks', 'hooks', report);
  (wf.spec.templates ?? []).forEach((t: Template, i) =>
    (t.steps ?? []).forEach((group, g) => {
      if (!Array.isArray(group)) return;
      group.forEach((step, s) =>
        checkHooks(
          step?.hooks,
          `spec.templates[${i}].steps[${g}][${s}].hooks`,
          `templates.${t.name}.steps[${g}].${step?.name}`,
          report,
        ),
      );
    }),
  );
  const strategy = (wf.spec.podGC as { strategy?: string } | undefined)?.strategy ?? '';
  if (!POD_GC.includes(strategy))
    report(
      'spec.podGC.strategy',
      `unknown strategy '${strategy}' (use ${POD_GC.slice(1).join(', ')})`,
      `podGC.strategy unknown strategy '${strategy}'`,
    );
}
