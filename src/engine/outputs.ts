/**
 * Outputs of steps/DAG templates: `outputs.parameters[].valueFrom.parameter` (and `value`) resolved
 * against the children's scope once the template succeeded.
 */
import type { Outputs, Parameter, Template } from './types.ts';
import { substituteString, type Resolver } from './substitute.ts';

/** The outputs of a finished steps/DAG node, or undefined when it declares none. */
export function aggregateTemplateOutputs(t: Template, resolve: Resolver): Outputs | undefined {
  const declared = t.outputs?.parameters ?? [];
  const params: Parameter[] = [];
  for (const p of declared) {
    const source = p.valueFrom?.parameter ?? p.value;
    let value = source !== undefined ? substituteString(String(source), resolve) : undefined;
    if ((value === undefined || value.includes('{{')) && p.valueFrom?.default !== undefined)
      value = p.valueFrom.default;
    if (value === undefined) continue;
    const out: Parameter = { name: p.name, value };
    if (p.valueFrom) out.valueFrom = p.valueFrom;
    if (p.globalName) out.globalName = p.globalName;
    params.push(out);
  }
  return params.length > 0 ? { parameters: params } : undefined;
}
