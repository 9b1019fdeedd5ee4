/**
 * Artifacts passed between steps and tasks (Argo's `resolveReferences` step 2, `wfScope.resolveArtifact`
 * and `ProcessArgs`): an argument's `from`/`fromExpression` names a whole Artifact object (a sibling's
 * output, the template's own input, or a global output), which is renamed to the argument's name, gets
 * `subPath` appended to its key, and replaces the callee's input except for the callee's `path`, `mode`
 * and `recurseMode`. Resolvers answer strings, so artifact objects travel as JSON under the key
 * `ARTIFACT_QUERY + <variable>` (`argosy.artifact:steps.gen.outputs.artifacts.out`).
 */
import type { Artifact, Template } from '../types.ts';
import { substituteDeep, substituteString, type Resolver } from '../substitute.ts';
import { evaluateOutputExpression } from '../expr/output-expression.ts';
import { appendToKey, hasLocationOrKey } from './location.ts';

/** Prefix of resolver keys whose value is an artifact's JSON. */
export const ARTIFACT_QUERY = 'argosy.artifact:';
/** Marks an artifact inside an expression's environment (expressions choose between artifacts). */
const ARTIFACT_MARK = '\u0000artifact:';

/** Thrown when an argument artifact cannot be resolved; the step's node errors with Argo's message. */
export class ArtifactReferenceError extends Error {}

/** Variables of a template's input artifacts: the objects, and `inputs.artifacts.<name>.path`. */
export function inputArtifactVariables(artifacts: Artifact[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of artifacts ?? []) {
    out[`${ARTIFACT_QUERY}inputs.artifacts.${a.name}`] = JSON.stringify(a);
    if (a.path !== undefined) out[`inputs.artifacts.${a.name}.path`] = a.path;
  }
  return out;
}

/** A node's output artifact by name, as resolvers answer `ARTIFACT_QUERY` keys. */
export function outputArtifactJson(artifacts: Artifact[] | undefined, name: string): string | undefined {
  const a = artifacts?.find((x) => x.name === name);
  return a ? JSON.stringify(a) : undefined;
}

function tagOf(from: string): string {
  return from.trim().replace(/^\{\{/, '').replace(/\}\}$/, '').trim();
}

/** Looks artifact variables up as marked strings, everything else as usual (for `fromExpression`). */
function expressionLookup(resolve: Resolver): Resolver {
  return (name) => {
    if (/(^|\.)artifacts\.[^.]+$/.test(name)) {
      const json = resolve(`${ARTIFACT_QUERY}${name}`);
      return json === undefined ? undefined : `${ARTIFACT_MARK}${json}`;
    }
    return resolve(name);
  };
}

function resolveFrom(arg: Artifact, resolve: Resolver): Artifact {
  let json: string | undefined;
  let what: string;
  if (arg.fromExpression !== undefined) {
    what = arg.fromExpression;
    const value = evaluateOutputExpression(arg.fromExpression, expressionLookup(resolve));
    json = value.startsWith(ARTIFACT_MARK) ? value.slice(ARTIFACT_MARK.length) : undefined;
    if (json === undefined) throw new ArtifactReferenceError(`Variable {{${what}}} is not an artifact`);
  } else {
    what = tagOf(arg.from ?? '');
    json = resolve(`${ARTIFACT_QUERY}${what}`);
    if (json === undefined) throw new ArtifactReferenceError(`Unable to resolve: "${what}"`);
  }
  let art = { ...(JSON.parse(json) as Artifact), name: arg.name };
  if (arg.subPath) art = appendToKey(art, substituteString(arg.subPath, resolve));
  return art;
}

/**
 * Renders argument artifacts against the step's scope and resolves their references. An optional
 * argument that cannot be resolved is dropped; otherwise Argo's `unable to resolve references: ...`.
 */
export function resolveArgumentArtifacts(args: Artifact[] | undefined, resolve: Resolver): Artifact[] | undefined {
  if (!args) return undefined;
  const out: Artifact[] = [];
  for (const arg of args) {
    const { from, fromExpression, ...rest } = arg;
    if (from === undefined && fromExpression === undefined) {
      out.push(substituteDeep(arg, resolve));
      continue;
    }
    try {
      out.push(resolveFrom({ ...substituteDeep(rest, resolve), from, fromExpression } as Artifact, resolve));
    } catch (e) {
      if (arg.optional) continue;
      throw new ArtifactReferenceError(`unable to resolve references: ${(e as Error).message}`);
    }
  }
  return out;
}

/**
 * Argo's `ProcessArgs` for artifacts: each input takes its argument (keeping its own path, mode and
 * recurseMode); a required input with neither argument nor location fails `inputs.artifacts.<n> was not supplied`.
 */
export function processInputArtifacts(t: Template, args: Artifact[] | undefined): Artifact[] {
  const out: Artifact[] = [];
  for (const input of t.inputs?.artifacts ?? []) {
    const arg = args?.find((a) => a.name === input.name);
    if (!input.optional && !hasLocationOrKey(input)) {
      if (!arg) throw new ArtifactReferenceError(`inputs.artifacts.${input.name} was not supplied`);
      if (!hasLocationOrKey(arg))
        throw new ArtifactReferenceError(`inputs.artifacts.${input.name} missing location information`);
    }
    if (!arg) {
      out.push(input);
      continue;
    }
    const merged: Artifact = { ...arg };
    delete merged.path;
    delete merged.mode;
    delete merged.recurseMode;
    if (input.path !== undefined) merged.path = input.path;
    if (input.mode !== undefined) merged.mode = input.mode;
    if (input.recurseMode !== undefined) merged.recurseMode = input.recurseMode;
    out.push(merged);
  }
  return out;
}

/** The template with its inputs' artifacts replaced by the processed ones. */
export function withInputArtifacts(t: Template, artifacts: Artifact[]): Template {
  if (artifacts.length === 0 && !t.inputs?.artifacts) return t;
  return { ...t, inputs: { ...(t.inputs ?? {}), artifacts } };
}
