/**
 * Which of Argo's template types a template is: the field it sets. A leaf module (types only), so the
 * template-type table (`template-types.ts`), templateDefaults and validation can all ask without
 * import cycles.
 */
import type { Template } from './types.ts';

/**
 * Every template type field Argo has, Argosy's first (the order decides only for a template that sets
 * several, which validation rejects). Types without a row in `TEMPLATE_TYPES` are refused by name
 * through `unsupported.ts`.
 */
export const TEMPLATE_TYPE_FIELDS = [
  'container',
  'script',
  'steps',
  'dag',
  'suspend',
  'resource',
  'containerSet',
  'data',
  'http',
  'plugin',
] as const;

/** The kind of node a template produces: its type field, or `unknown` when it sets none. */
export type TemplateKind = (typeof TEMPLATE_TYPE_FIELDS)[number] | 'unknown';

/** Which executor a template needs. */
export function templateKind(t: Template): TemplateKind {
  for (const field of TEMPLATE_TYPE_FIELDS) if ((t as Record<string, unknown>)[field]) return field;
  return 'unknown';
}
