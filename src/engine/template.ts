/**
 * Template resolution (by name, inline, or `templateRef` into a supplied WorkflowTemplate) and
 * input processing (arguments over defaults; Argo's "was not supplied" error).
 */
import { withTemplateDefaults } from './template-defaults.ts';
import { inputFromConfigMap } from './configmap-params.ts';
import { substituteString, type Resolver } from './substitute.ts';
import { ABSENT_OPTIONAL, absentArgumentMessage } from './expr/absent.ts';
import type { ObservedConfigMap } from './contract.ts';
import type { ExecContext } from './context.ts';
import type { TemplateHolder } from './execute-request.ts';

export type { TemplateHolder } from './execute-request.ts';
import type { NodeStatus, Parameter, Template, WorkflowStep } from './types.ts';
import { templateProblems } from './unsupported.ts';
import {
  isLocalScope,
  refScope,
  snapshotKey,
  templateOfNode,
  withPodMetadata,
  type TemplateScope,
} from './template-scope.ts';

/** A template could not be found or its inputs could not be satisfied. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** What a holder resolved to, and the scope the template's own steps/tasks resolve their names in. */
export interface Resolved {
  template: Template;
  childScope: TemplateScope;
}

/** Argo's stored-template key of a holder resolved from `scope` (undefined: local, never stored). */
function storedKey(holder: TemplateHolder, scope: TemplateScope): string | undefined {
  if (holder.templateRef) return `${refScope(holder.templateRef)}/${holder.templateRef.template}`;
  return isLocalScope(scope) ? undefined : `${scope}/${holder.template ?? ''}`;
}

/** Finds a template outside the workflow (templateRef, or a name inside a referenced template). */
function resolveExternal(ctx: ExecContext, holder: TemplateHolder, scope: TemplateScope, key: string): Template {
  // Argo's status.storedTemplates: what a reference resolved to when first used is what it runs for
  // the rest of the workflow, whatever happens to the WorkflowTemplate meanwhile.
  const stored = ctx.storedTemplates?.[key];
  if (stored) return stored;
  const ref = holder.templateRef;
  const where = ref ? refScope(ref) : scope;
  const objectKey = snapshotKey(where, ctx.wfNamespace);
  const object = ctx.workflowTemplates?.[objectKey];
  const name = ref ? ref.template : (holder.template ?? '');
  const objectName = where.slice(where.indexOf('/') + 1);
  // Argo's messages (templateresolution GetTemplateFromRef / GetTemplateByName).
  if (!object) throw new TemplateError(`workflow template ${objectName} not found`);
  const found = object.spec.templates?.find((t) => t.name === name);
  if (!found)
    throw new TemplateError(
      ref ? `template ${name} not found in workflow template ${objectName}` : `template ${name} not found`,
    );
  // Lint and submit never saw this template; what Argosy would ignore in it stops the node instead.
  const problems = templateProblems(found, `${objectName}.${name}`);
  if (problems.length > 0) throw new TemplateError(problems.join('; '));
  const t = withPodMetadata(found, object);
  ctx.storedTemplates = { ...ctx.storedTemplates, [key]: t };
  ctx.storedTemplatesChanged = true;
  return t;
}

/**
 * Finds the template a holder refers to, looking names up in `scope` (Argo's template context).
 * Throws {@link TemplateError}.
 */
export function resolveTemplate(ctx: ExecContext, holder: TemplateHolder, scope: TemplateScope): Resolved {
  const defaults = ctx.wf.spec.templateDefaults;
  const childScope = holder.templateRef ? refScope(holder.templateRef) : scope;
  if (holder.inline) return { template: withTemplateDefaults(holder.inline, defaults), childScope };
  const key = storedKey(holder, scope);
  if (key) return { template: withTemplateDefaults(resolveExternal(ctx, holder, scope, key), defaults), childScope };
  const name = holder.template ?? '';
  const t = ctx.templates.get(name);
  if (!t) throw new TemplateError(`template name '${name}' undefined`);
  return { template: t, childScope };
}

/** The template a node ran, looked up in its own scope (see template-scope.ts). */
export function nodeTemplate(
  ctx: ExecContext,
  node: Pick<NodeStatus, 'templateName' | 'templateRef' | 'templateScope'>,
): Template | undefined {
  return templateOfNode(node, {
    namespace: ctx.wfNamespace,
    local: (n) => ctx.templates.get(n),
    stored: ctx.storedTemplates,
    workflowTemplates: ctx.workflowTemplates,
  });
}

/** The name pods and nodes record for a template reached through a holder. */
export function holderTemplateName(holder: TemplateHolder, resolved: Template): string {
  if (holder.templateRef) return holder.templateRef.template;
  return resolved.name ?? holder.template ?? '';
}

/** The service account of a template: `serviceAccountName`, else its `serviceAccount` alias. */
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
    let arg = args?.find((a) => a.name === input.name);
    // Argo's ProcessArgs: a marked argument (expr/absent.ts) counts as not supplied.
    if (arg?.value === ABSENT_OPTIONAL) {
      if (input.value === undefined && input.default === undefined && !input.valueFrom)
        throw new TemplateError(absentArgumentMessage(input.name));
      arg = undefined;
    }
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
