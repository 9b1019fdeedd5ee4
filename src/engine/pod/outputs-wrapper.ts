/**
 * Output parameters without an executor (docs/adr/0005-outputs-transport.md): the `main` container runs
 * under a small POSIX `sh` wrapper that starts the user's command, waits for it, then writes the
 * declared `valueFrom.path` files as `{"argosy":{"parameters":{...},"missing":[...]}}` to the
 * container's termination message path. The kubelet copies that file into
 * `containerStatuses[].state.terminated.message`; `assess-pod.ts` reads it back. The wrapper exits
 * with the command's exit code, so phases and messages are the command's own.
 */
import type { KubeContainer } from '../contract.ts';
import type { Template } from '../types.ts';

/** Kubernetes keeps at most this many bytes of a container's termination message. */
export const TERMINATION_MESSAGE_LIMIT = 4096;

/**
 * Larger outputs documents go to the end of the container log (stderr) on a line starting with
 * {@link OUTPUTS_LOG_MARKER}; the termination message then only says `{"argosy":{"log":<bytes>}}` and the
 * runtime reads the log tail (256 KiB) as for `outputs.result`. Above this size the node errors.
 */
export const OUTPUTS_LOG_LIMIT = 200 * 1024;
export const OUTPUTS_LOG_MARKER = '__argosy_outputs__:';

/** A declared output file. */
export interface OutputFile {
  name: string;
  path: string;
}

/** A pod cannot be built for a template (the node errors with this message). */
export class PodBuildError extends Error {
  override name = 'PodBuildError';
}

/**
 * Entrypoints of images Argo's own examples and tests use without `command`. A real cluster's image
 * config cannot be read through the pods API, so other images need an explicit `command` when the
 * template declares output parameters (Argo's emissary has the same rule unless it may query the registry).
 */
const KNOWN_ENTRYPOINTS: Record<string, string[]> = {
  'argoproj/argosay:v2': ['/argosay'],
};

/** Official base images without an ENTRYPOINT: `args` run as the command, else their CMD. */
const NO_ENTRYPOINT_CMD: Record<string, string[]> = {
  'argoproj/argosay': ['cowsay'],
  'docker/whalesay': ['/bin/bash'],
  alpine: ['/bin/sh'],
  busybox: ['sh'],
  ubuntu: ['/bin/bash'],
  debian: ['bash'],
  python: ['python3'],
  node: ['node'],
  golang: ['bash'],
};

/** The `valueFrom.path` outputs of a (substituted) pod template. */
export function outputFiles(t: Template): OutputFile[] {
  const out: OutputFile[] = [];
  for (const p of t.outputs?.parameters ?? [])
    if (p.valueFrom?.path) out.push({ name: p.name, path: p.valueFrom.path });
  return out;
}

/** Single-quotes a word for `sh`. */
function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The wrapper's shell text. `run` is the line that runs the user's command (`"$0" "$@"` or the script
 * prologue's equivalent). The command runs in the background so the wrapper can forward SIGTERM (pod
 * deletion) to it; `wait` is repeated when a trapped signal interrupted it.
 */
export function outputsWrapper(run: string, files: OutputFile[], terminationPath: string): string {
  const tq = shQuote(terminationPath);
  const lines = [
    `${run} & c=$!`,
    `trap 'kill -TERM $c 2>/dev/null' TERM INT`,
    `wait $c; rc=$?`,
    `while kill -0 $c 2>/dev/null; do wait $c; rc=$?; done`,
    `t=$(printf '\\t'); r=$(printf '\\r'); d=''; m=''`,
    // JSON string of a file: control characters dropped except tab/CR/newline, which are escaped;
    // awk joins lines with a literal \n, so exactly one trailing newline is trimmed (as Argo does).
    `j() { tr -d '\\000-\\010\\013\\014\\016-\\037' < "$1" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' -e "s/$t/\\\\\\\\t/g" -e "s/$r/\\\\\\\\r/g" | awk 'NR>1{printf "%s","\\\\n"}{printf "%s",$0}'; }`,
    `o() { if [ -f "$2" ]; then d="$d\${d:+,}\\"$1\\":\\"$(j "$2")\\""; else m="$m\${m:+,}\\"$1\\""; fi; }`,
    ...files.map((f) => `o ${shQuote(f.name)} ${shQuote(f.path)}`),
    `d="{\\"argosy\\":{\\"parameters\\":{$d}\${m:+,\\"missing\\":[$m]}}}"`,
    `n=$(printf %s "$d" | wc -c)`,
    `if [ "$n" -gt ${OUTPUTS_LOG_LIMIT} ]; then d="{\\"argosy\\":{\\"error\\":\\"output parameters take $n bytes, over the ${OUTPUTS_LOG_LIMIT}-byte limit\\"}}"`,
    `elif [ "$n" -gt ${TERMINATION_MESSAGE_LIMIT} ]; then printf '\\n%s%s\\n' '${OUTPUTS_LOG_MARKER}' "$d" >&2; d="{\\"argosy\\":{\\"log\\":$n}}"; fi`,
    `printf %s "$d" > ${tq}`,
    `exit $rc`,
  ];
  return lines.join('\n');
}

/** An image reference without registry prefix `docker.io/`, `library/` and without tag/digest. */
function repoOf(image: string): string {
  return image
    .replace(/^docker\.io\//, '')
    .replace(/^library\//, '')
    .replace(/[@:][^/]*$/, '');
}

/**
 * What the wrapper must run for a container: `[command, args]`. Without `command`, the image's
 * entrypoint when known; for base images without one, `args` themselves (or the image's CMD).
 */
function commandOf(c: KubeContainer): [string[], string[] | undefined] {
  if (c.command && c.command.length > 0) return [c.command, c.args];
  const image = (c.image ?? '').replace(/^docker\.io\//, '');
  const known = KNOWN_ENTRYPOINTS[image] ?? KNOWN_ENTRYPOINTS[repoOf(image)];
  if (known) return [known, c.args];
  const cmd = NO_ENTRYPOINT_CMD[repoOf(image)];
  if (cmd) return c.args && c.args.length > 0 ? [c.args, undefined] : [cmd, undefined];
  throw new PodBuildError(
    `failed to look-up entrypoint/cmd for image "${c.image ?? ''}", you must either explicitly specify the command, or list the image's command in the index: output parameters need the container's command`,
  );
}

/** Wraps a plain container's command so its output files reach the termination message. */
export function wrapContainer(c: KubeContainer, files: OutputFile[]): KubeContainer {
  if (files.length === 0) return c;
  const [command, args] = commandOf(c);
  const path = typeof c.terminationMessagePath === 'string' ? c.terminationMessagePath : '/dev/termination-log';
  const out: KubeContainer = { ...c, command: ['sh', '-c', outputsWrapper('"$0" "$@"', files, path), ...command] };
  if (args && args.length > 0) out.args = args;
  else delete out.args;
  return out;
}
