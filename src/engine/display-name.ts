/**
 * A template's `annotations["workflows.argoproj.io/display-name"]`: after the template's variables
 * are substituted it becomes the display name of the node that runs the template (Argo's
 * executeTemplate reads it from the processed template; a name that is not a valid display name
 * errors the node). Argo reads no other template annotation.
 */
import type { Template } from './types.ts';
import { substituteDeep, type Resolver } from './substitute.ts';

export const DISPLAY_NAME_ANNOTATION = 'workflows.argoproj.io/display-name';
const DISPLAY_NAME_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9-.]{0,61}[a-zA-Z0-9]$';
const DISPLAY_NAME = new RegExp(DISPLAY_NAME_PATTERN);

/** The template's display name with its variables substituted; throws Argo's error for an invalid one. */
export function templateDisplayName(t: Template, scope: Resolver): string | undefined {
  const raw = t.annotations?.[DISPLAY_NAME_ANNOTATION];
  if (!raw) return undefined;
  const name = substituteDeep(raw, scope);
  if (!DISPLAY_NAME.test(name)) throw new DisplayNameError(`displayName must match the regex ${DISPLAY_NAME_PATTERN}`);
  return name;
}

export class DisplayNameError extends Error {}
