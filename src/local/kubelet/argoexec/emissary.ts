/**
 * Stand-in for `argoexec emissary -- <argv>` (Argo's executor, docs/adr/0009-argo-executor-pods.md): runs the
 * user's process, tees stdout to `/var/run/argo/ctr/<name>/stdout` (and stdout+stderr to `combined`)
 * when the result or log archiving needs them, stages output parameters and artifacts under
 * `/var/run/argo/outputs/…` in the container named `main`, and writes the exit-code file last.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ContainerExit, RunningContainer, StartRequest } from '../runtime.ts';
import { hostPathIn, mountsOf, type HostMount } from './fs.ts';
import { tarGz } from './archive.ts';
import { withPodFiles } from '../pod-files.ts';
import { outputMounts, pathBinDir, preparePrivateMounts } from './rootfs.ts';
import { containerSetGraph, runMember, type ContainerSetView } from './container-set.ts';

/** What emissary reads of the template. */
export interface TemplateView extends ContainerSetView {
  outputs?: {
    parameters?: { name: string; valueFrom?: { path?: string } }[];
    artifacts?: { name: string; path?: string }[];
  };
  archiveLocation?: { archiveLogs?: boolean };
  inputs?: { artifacts?: { name: string; path?: string }[] };
  sidecars?: { name: string }[];
}

/** The containers whose exit ends the pod's work: containerSet members, else `main`. */
export function mainNames(t: TemplateView): string[] {
  const set = (t.containerSet?.containers ?? []).map((c) => c.name);
  return set.length > 0 ? set : ['main'];
}

/**
 * A sidecar's emissary stops its process once every main container has written its exit code: SIGTERM,
 * then SIGKILL after the grace period (`ARGO_TERMINATION_GRACE_PERIOD_SECONDS`, default 30 s).
 */
function stopAfterMain(
  child: RunningContainer,
  t: TemplateView,
  at: (p: string) => string,
  env: Record<string, string>,
) {
  const files = mainNames(t).map((n) => at(`/var/run/argo/ctr/${n}/exitcode`));
  const graceMs = (Number(env.ARGO_TERMINATION_GRACE_PERIOD_SECONDS) || 30) * 1000;
  let done = false;
  void child.exited.finally(() => {
    done = true;
    clearInterval(poll);
  });
  const poll = setInterval(() => {
    if (done || !files.every((f) => existsSync(f))) return;
    clearInterval(poll);
    child.kill('SIGTERM');
    setTimeout(() => {
      if (!done) child.kill('SIGKILL');
    }, graceMs).unref();
  }, 100);
  poll.unref();
}

/** How Argo's emissary starts the user's process (argv and paths already decided by it). */
export interface ProcessOptions {
  /** The container's mounts: its argv's container paths are mapped through them (else `/tmp` only). */
  mounts?: HostMount[];
  /** stdout alone (the log gets stdout and stderr together). */
  onStdout?: (chunk: string) => void;
  /** The host directory standing for the image's working directory (default: the pod's workspace). */
  cwd?: string;
  /** A directory leading PATH (files the image has on its PATH, e.g. input artifacts at `/bin/x`). */
  binDir?: string;
}

/** The process runtime's start (process-runtime.ts), which the stand-in calls for the user's process. */
export type StartProcess = (req: StartRequest, opts: ProcessOptions) => RunningContainer;

/** Reads the template: the file init wrote, else `ARGO_TEMPLATE`. */
export function readTemplate(req: StartRequest, varRunArgo: string): TemplateView {
  const file = join(varRunArgo, 'template');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : (req.env.ARGO_TEMPLATE ?? '{}');
  return JSON.parse(text) as TemplateView;
}

/**
 * How the user's process starts: its mounts, PATH, the image's working directory (`/` unless workingDir
 * says otherwise, so relative paths land where absolute output paths are read from) and, when `teeDir`
 * is given, stdout teed to `stdout` and everything to `combined` there.
 */
function processOptions(
  req: StartRequest,
  mounts: HostMount[],
  rootfs: string,
  teeDir: string | undefined,
): { opts: ProcessOptions; onOutput: (chunk: string) => void } {
  const opts: ProcessOptions = { mounts };
  const binDir = pathBinDir(mounts, rootfs);
  if (binDir) opts.binDir = binDir;
  opts.cwd = hostPathIn(mounts, String(req.container.workingDir ?? '/'), rootfs);
  mkdirSync(opts.cwd, { recursive: true });
  if (!teeDir) return { opts, onOutput: req.onOutput };
  opts.onStdout = (chunk) => appendFileSync(join(teeDir, 'stdout'), chunk);
  const onOutput = (chunk: string) => {
    appendFileSync(join(teeDir, 'combined'), chunk);
    req.onOutput(chunk);
  };
  return { opts, onOutput };
}

/** Starts the user's process under emissary; argv is what follows `--`, plus the container's args. */
export function startEmissary(req: StartRequest, startProcess: StartProcess): RunningContainer {
  const c = req.container;
  const command = (c.command as string[]).slice();
  const argv = [...command.slice(command.indexOf('--') + 1), ...((c.args as string[] | undefined) ?? [])];
  const name = req.env.ARGO_CONTAINER_NAME ?? String(c.name);
  const rootfs = join(req.podDir, 'rootfs', String(c.name));
  const volumeMounts = withPodFiles(mountsOf(req.pod, c, req.podDir, req.secret), req.podDir, rootfs);
  const template = readTemplate(req, hostPathIn(volumeMounts, '/var/run/argo', rootfs));
  const privates = name === 'main' ? outputMounts(template, volumeMounts, rootfs) : [];
  preparePrivateMounts(privates, volumeMounts);
  const mounts = [...volumeMounts, ...privates].sort((a, b) => b.path.length - a.path.length);
  const at = (p: string) => hostPathIn(mounts, p, rootfs);
  const ctrDir = at(`/var/run/argo/ctr/${name}`);
  mkdirSync(ctrDir, { recursive: true, mode: 0o777 });
  const tee = req.env.ARGO_INCLUDE_SCRIPT_OUTPUT === 'true' || template.archiveLocation?.archiveLogs === true;
  const { opts, onOutput } = processOptions(req, mounts, rootfs, tee ? ctrDir : undefined);
  const start = () => startProcess({ ...req, onOutput, container: { ...c, command: argv, args: [] } }, opts);
  const isSidecar = (template.sidecars ?? []).some((x) => x.name === name);
  const run = (child: RunningContainer) => {
    if (isSidecar) stopAfterMain(child, template, at, req.env);
    return child;
  };
  const exitFile = join(ctrDir, 'exitcode');
  const finish = async (ended: ContainerExit): Promise<ContainerExit> => {
    const exit = asEmissaryExit(ended, String(argv[0] ?? ''));
    if (name === 'main') await saveOutputs(template, at, (p) => hostPathIn(mounts, p, rootfs));
    writeFileSync(exitFile, String(exit.exitCode), { mode: 0o644 });
    return exit;
  };
  const graph = containerSetGraph(template, name);
  if (!graph) {
    const child = run(start());
    const exited = child.exited.then((exit) => finish(exit));
    // Probes' commands run in the container itself, beside emissary's child (as `kubectl exec` does).
    return { exited, kill: (signal) => child.kill(signal), ...(child.exec ? { exec: child.exec } : {}) };
  }
  return runMember(
    graph,
    at,
    () => run(start()),
    finish,
    (code) => writeFileSync(exitFile, String(code)),
  );
}

/**
 * Argo's emissary looks its command up first (`exec.LookPath`): a command that cannot start is emissary's
 * own failure, exit 64 with the lookup error as the termination message, not the runtime's StartError.
 */
function asEmissaryExit(exit: ContainerExit, command: string): ContainerExit {
  if (exit.reason !== 'StartError') return exit;
  const message = `failed to find name in PATH: exec: "${command}": executable file not found in $PATH`;
  return { exitCode: 64, reason: 'Error', message };
}

/** Copies output-parameter files and tars output-artifact paths into /var/run/argo/outputs (missing ones skipped). */
async function saveOutputs(t: TemplateView, at: (p: string) => string, mainPath: (p: string) => string): Promise<void> {
  for (const p of t.outputs?.parameters ?? []) {
    const path = p.valueFrom?.path;
    if (!path || !existsSync(mainPath(path))) continue;
    const dest = at(`/var/run/argo/outputs/parameters${path}`);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(mainPath(path), dest);
  }
  for (const a of t.outputs?.artifacts ?? []) {
    if (!a.path || !existsSync(mainPath(a.path))) continue;
    const dest = at(`/var/run/argo/outputs/artifacts${a.path}.tgz`);
    mkdirSync(dirname(dest), { recursive: true });
    await tarGz(mainPath(a.path), dest);
  }
}
