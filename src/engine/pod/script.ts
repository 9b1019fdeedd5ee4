/**
 * Script delivery without an executor image (docs/adr/0001-script-source-delivery.md): the source
 * travels in an env var and a tiny `sh -c` prologue writes it to a file, then execs the user's
 * command with that file appended, as Argo's executor would.
 */
import { fnv32a } from '../names.ts';
import type { KubeContainer } from '../contract.ts';
import type { ScriptTemplate } from '../types.ts';
import { outputsWrapper, wrapContainer, type OutputFile } from './outputs-wrapper.ts';

/** The env var carrying the script source. */
export const SCRIPT_ENV = 'ARGOSY_SCRIPT';

/** The shell prologue for a script whose source hashes to `hash`. */
export function scriptPrologue(hash: string): string {
  const file = `"\${TMPDIR:-/tmp}/argosy-script-${hash}"`;
  return `printf %s "$${SCRIPT_ENV}" > ${file} && chmod +x ${file} && exec "$0" "$@" ${file}`;
}

/** The prologue's run line without `exec`, for the outputs wrapper (which must regain control after). */
function scriptRunLine(hash: string): string {
  return scriptPrologue(hash).replace(' && exec "$0"', ' && "$0"');
}

/**
 * The `main` container of a script template; with `files`, the script runs under the outputs wrapper
 * (docs/adr/0005-outputs-transport.md) instead of being exec'd.
 */
export function scriptContainer(script: ScriptTemplate, files: OutputFile[] = []): KubeContainer {
  const { source, ...rest } = script;
  // Argo appends the script file only when there is a source; without one the script template is a
  // plain container (its args go to the image's entrypoint, not to `sh`).
  if (!source) return wrapContainer({ ...rest, name: 'main' }, files);
  const hash = String(fnv32a(source ?? ''));
  const command = script.command && script.command.length > 0 ? script.command : ['sh'];
  const env = [...(rest.env ?? []), { name: SCRIPT_ENV, value: source ?? '' }];
  const path = typeof rest.terminationMessagePath === 'string' ? rest.terminationMessagePath : '/dev/termination-log';
  const shell = files.length > 0 ? outputsWrapper(scriptRunLine(hash), files, path) : scriptPrologue(hash);
  const container: KubeContainer = { ...rest, name: 'main', command: ['sh', '-c', shell, ...command], env };
  if (rest.args && rest.args.length > 0) container.args = rest.args;
  else delete container.args;
  return container;
}
