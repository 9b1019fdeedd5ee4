/**
 * Template resolution (by name, inline, or `templateRef` into a supplied WorkflowTemplate) and
 * input processing (arguments over defaults; Argo's "was not supplied" error).
 */
import { withTemplateDefaults } from './template-defaults.ts';
import { inputFromConfigMap } from './configmap-params.ts';
import { substituteString, type Resolver } from './substitute.ts';
import type { ObservedConfigMap } from './contract.ts';
import type { ExecContext } from './context.ts';
import type { Parameter, Template, TemplateRef, WorkflowStep } from './types.ts';
import { templateProblems } from './unsupported.ts';

/** A template could not be found or its inputs could not be satisfied. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** What points at a template: a step, task, or the entrypoint. */
export interface TemplateHolder {
  template?: string;
  templateRef?: TemplateRef;
  inline?: Template;
}

/** Finds the template a holder refers to. Throws {@link TemplateError}. */
export function resolveTemplate(
  ctx: ExecContext,
  holder: TemplateHolder,
  workflowTemplates?: Record<string, { spec: { templates?: Template[] } }>,
): Template {
  const defaults = ctx.wf.spec.templateDefaults;
  if (holder.inline) return withTemplateDefaults(holder.inline, defaults);
  if (holder.templateRef) {
    const ref = holder.templateRef;
    // Argo's status.storedTemplates key: what a templateRef resolved to when first used is what it
    // runs for the rest of the workflow, whatever happens to the WorkflowTemplate meanwhile.
    const storedKey = `${ref.clusterScope ? 'cluster' : 'namespaced'}/${ref.name}/${ref.template}`;
    const stored = ctx.storedTemplates?.[storedKey];
    if (stored) return withTemplateDefaults(stored, defaults);
    const key = ref.clusterScope ? `cluster/${ref.name}` : `${ctx.wfNamespace}/${ref.name}`;
    const found = workflowTemplates?.[key]?.spec.templates?.find((t) => t.name === ref.template);
    if (!found) throw new TemplateError(`template reference ${ref.name}.${ref.template} not found`);
    // Lint and submit never saw this template; what Argosy would ignore in it stops the node instead.
    const problems = templateProblems(found, `${ref.name}.${ref.template}`);
    if (problems.length > 0) throw new TemplateError(problems.join('; '));
    ctx.storedTemplates = { ...ctx.storedTemplates, [storedKey]: found };
    ctx.storedTemplatesChanged = true;
    return withTemplateDefaults(found, defaults);
  }
  const name = holder.template ?? '';
  const t = ctx.templates.get(name);
  if (!t) throw new TemplateError(`template name '${name}' undefined`);
  return t;
}

/** The name pods and nodes record for a template reached through a holder. */
export function holderTemplateName(holder: TemplateHolder, resolved: Template): string {
  if (holder.templateRef) return holder.templateRef.template;
  return resolved.name ?? holder.template ?? '';
}

/** The service account of a template: `serviceAccountName`, else the seed's `serviceAccount` alias. */
export function templateServiceAccount(t: Template): string | undefined {
  return t.serviceAccountName || t.serviceAccount || undefined;
}

/** Where `valueFrom.configMapKeyRef` inputs are read: the workflow's namespace, names substituted with globals. */
export interface ConfigMapSource {
  namespace: string;
  configMaps?: Record<string, ObservedConfigMap>;
  resolve: Resolver;
}

/**
 * Argo's `ProcessArgs` for parameters: argument value over the input's `default` (or `value`); an
 * argument or input with `valueFrom.configMapKeyRef` reads the ConfigMap. Throws {@link TemplateError}
 * `inputs.parameters.<n> was not supplied` (or the ConfigMap's error).
 */
export function processInputs(t: Template, args: Parameter[] | undefined, cm?: ConfigMapSource): Parameter[] {
  const out: Parameter[] = [];
  for (const input of t.inputs?.parameters ?? []) {
    const arg = args?.find((a) => a.name === input.name);
    let value: string | undefined;
    if (arg && arg.value !== undefined) value = String(arg.value);
    else if (input.value !== undefined) value = String(input.value);
    else if (input.default !== undefined) value = String(input.default);
    const valueFrom = arg && arg.value === undefined && arg.valueFrom ? arg.valueFrom : input.valueFrom;
    const ref = valueFrom?.configMapKeyRef;
    if (ref && cm) {
      const named = { name: substituteString(ref.name, cm.resolve), key: substituteString(ref.key, cm.resolve) };
      try {
        value = inputFromConfigMap({ ...input, valueFrom }, named, cm.namespace, cm.configMaps);
      } catch (e) {
        throw new TemplateError((e as Error).message);
      }
    }
    if (value === undefined) throw new TemplateError(`inputs.parameters.${input.name} was not supplied`);
    if (input.enum && input.enum.length > 0 && !input.enum.includes(value))
      throw new TemplateError(
        `inputs.parameters.${input.name}.value should be present in inputs.parameters.${input.name}.enum list`,
      );
    out.push({ ...input, value });
  }
  return out;
}

/** The step-ish fields a holder carries. */
export type StepLike = Pick<WorkflowStep, 'template' | 'templateRef' | 'inline' | 'arguments'>;
