/**
 * The process runtime: each container is a host process group (spawned without a shell unless the
 * command is one) with the pod's environment, a private workspace and TMPDIR, stdout/stderr
 * captured as the container log, and the termination message read from a per-container file that
 * stands in for `terminationMessagePath`. Absolute `/tmp/...` paths in the command are mapped into
 * the pod's private tmp directory, so concurrent pods do not share files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { imageProfile, pullNotFound, resolveExecutable } from './images.ts';
import type { ContainerExit, ContainerRuntime, PullResult, RunningContainer, StartRequest } from './runtime.ts';
import { SCRIPT_ENV } from '../../engine/pod/script.ts';
import { argoexecStandIn } from './argoexec/index.ts';
import type { ProcessOptions } from './argoexec/emissary.ts';
import { rewritePaths } from './argoexec/fs.ts';
import { writeHostsFile } from './pod-files.ts';
import type { ProcessLedger } from './process-ledger.ts';
import { memoryLimitBytes, watchMemory } from './memory-limit.ts';
import type { KubeObject } from '../apiserver/resources.ts';

type ExecResult = { exitCode: number; output: string; timedOut?: boolean };

export type { ProcessOptions } from './argoexec/emissary.ts';

const MAX_MESSAGE_BYTES = 4096;

/** Where a pod's private copy of a container path lives (`/tmp/x` → `<podDir>/tmp/x`). */
export function hostPath(podDir: string, containerPath: string): string {
  if (containerPath === '/tmp' || containerPath.startsWith('/tmp/')) return join(podDir, containerPath);
  return containerPath;
}

function rewriteArg(arg: string, podDir: string, terminationPath: string, terminationFile: string): string {
  // `/tmp` at a word boundary (start, after space, quote, = or >), so `/var/tmp` stays untouched.
  const out = arg.replace(/(^|[\s"'=>:(])\/tmp(?=\/|$|[\s"';)])/g, `$1${join(podDir, 'tmp')}`);
  return out.split(terminationPath).join(terminationFile);
}

function argvOf(container: Record<string, unknown>): string[] | undefined {
  const profile = imageProfile(String(container.image ?? ''));
  if (!profile) return undefined;
  const command = container.command as string[] | undefined;
  const args = container.args as string[] | undefined;
  if (command && command.length) return [...command, ...(args ?? [])];
  if (args && args.length) return profile.entrypoint.length ? [...profile.entrypoint, ...args] : args;
  return [...profile.entrypoint, ...profile.cmd];
}

function readMessage(file: string): string | undefined {
  try {
    if (!existsSync(file) || statSync(file).size === 0) return undefined;
    return readFileSync(file).subarray(0, MAX_MESSAGE_BYTES).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * A container process's environment: the host PATH (after `binDir`, files on the image's PATH such as input
 * artifacts, and the image's tool stand-ins), the pod's dirs, its env.
 */
function processEnv(req: StartRequest, workspace: string, terminationFile: string, tools?: string, binDir?: string) {
  const { podDir } = req;
  // Kubelet-managed /etc/hosts (hostAliases), read by the nslookup stand-in through ARGOSY_POD_DIR.
  const podIp = String(req.pod.status?.podIP ?? '127.0.0.1');
  writeHostsFile(podDir, req.pod, podIp);
  const hostPathVar = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  const env: Record<string, string> = {
    PATH: [binDir, tools, hostPathVar].filter(Boolean).join(delimiter),
    HOME: workspace,
    TMPDIR: join(podDir, 'tmp'),
    HOSTNAME: String(req.pod.metadata.name),
    ARGOSY_TERMINATION_LOG: terminationFile,
    ARGOSY_POD_DIR: podDir,
    // The service stand-ins (nginx, influxd, curl: images/js/) bind and reach the pod's own address, and
    // run on the kubelet's Node.
    ARGOSY_POD_IP: podIp,
    ARGOSY_NODE: process.execPath,
    ...req.env,
  };
  return env;
}

export class ProcessRuntime implements ContainerRuntime {
  readonly name = 'process' as const;
  /** Process groups still running, killed synchronously if this process exits first. */
  private readonly live = new Set<number>();

  /** `ledger` records each group so a kubelet started after this process died can stop them. */
  constructor(private readonly ledger?: ProcessLedger) {}

  /** SIGKILLs every container still running (used from a process 'exit' hook: must be synchronous). */
  killAll(): void {
    for (const pid of this.live) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    this.live.clear();
  }

  pull(image: string): PullResult {
    if (imageProfile(image)) {
      const notFound = pullNotFound(image);
      return notFound ? { ok: false, reason: 'ErrImagePull', message: notFound } : { ok: true };
    }
    return {
      ok: false,
      reason: 'ErrImagePull',
      message:
        `failed to pull and unpack image "${image}": local mode cannot run this image ` +
        '(the host stands in for argoproj/argosay, busybox, alpine, debian, ubuntu, bash, python, node, nginx, ' +
        'influxdb 1.x and curlimages/curl images)',
    };
  }

  start(req: StartRequest): RunningContainer {
    return argoexecStandIn(req, (r, o) => this.startProcess(r, o)) ?? this.startProcess(req);
  }

  /** Runs a container's command as a host process group. */
  startProcess(req: StartRequest, opts: ProcessOptions = {}): RunningContainer {
    const { container, podDir } = req;
    const name = String(container.name);
    const workspace = join(podDir, 'workspace');
    const tmp = join(podDir, 'tmp');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(tmp, { recursive: true });
    const terminationPath = String(container.terminationMessagePath ?? '/dev/termination-log');
    const mapped = hostPath(podDir, terminationPath);
    const terminationFile = mapped !== terminationPath ? mapped : join(podDir, `${name}.termination-log`);
    const rewrite = (a: string) =>
      opts.mounts
        ? rewritePaths(a, opts.mounts).split(terminationPath).join(terminationFile)
        : rewriteArg(a, podDir, terminationPath, terminationFile);
    const argv = (argvOf(container) ?? []).map((a) => rewrite(String(a)));
    const { path: tools, ash } = imageProfile(String(container.image ?? '')) ?? {};
    const resolved = resolveExecutable(argv, tools, ash);
    if ('error' in resolved) {
      return {
        exited: Promise.resolve({ exitCode: 128, reason: 'StartError', message: resolved.error }),
        kill: () => {},
      };
    }
    const wd = container.workingDir ? hostPath(podDir, String(container.workingDir)) : workspace;
    const cwd = opts.cwd ?? (existsSync(wd) ? wd : workspace);
    const env = processEnv(req, workspace, terminationFile, tools, opts.binDir);
    // A script's source is its command (ADR 0001): its `/tmp` paths map like those of argv, so files it
    // writes there are where the outputs wrapper (ADR 0005) and later commands look for them.
    const script = env[SCRIPT_ENV];
    if (script !== undefined) env[SCRIPT_ENV] = rewriteArg(script, podDir, terminationPath, terminationFile);
    const [cmd, ...args] = resolved.argv;
    const child = spawn(cmd!, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    if (pid !== undefined) {
      this.live.add(pid);
      this.ledger?.started(pid);
    }
    child.stdout.setEncoding('utf8').on('data', req.onOutput);
    if (opts.onStdout) child.stdout.on('data', opts.onStdout);
    child.stderr.setEncoding('utf8').on('data', req.onOutput);
    const oom = this.enforceMemoryLimit(container, pid);
    const exited = this.exitOf(child, pid, terminationFile, oom);
    const inContainer = { cwd, env, tools, ash, rewrite };
    const exec = (command: string[], timeoutMs: number) => execIn(inContainer, command, timeoutMs);
    return { exited, exec, kill: (signal) => killGroup(child.pid, signal) };
  }

  /** Kills the container's process group when its memory goes over `resources.limits.memory`. */
  private enforceMemoryLimit(container: KubeObject, pid: number | undefined): { killed: boolean; stop: () => void } {
    const state = { killed: false, stop: () => {} };
    const limit = memoryLimitBytes(container);
    if (pid === undefined || limit === undefined) return state;
    state.stop = watchMemory(pid, limit, () => {
      state.killed = true;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    });
    return state;
  }

  /** The container's exit: its code (128 + signal when killed) and termination message; forgets its group. */
  private exitOf(
    child: ChildProcess,
    pid: number | undefined,
    terminationFile: string,
    oom: { killed: boolean; stop: () => void },
  ): Promise<ContainerExit> {
    return new Promise<ContainerExit>((resolve) => {
      let spawnError: Error | undefined;
      child.on('error', (e) => (spawnError = e));
      child.on('close', (code, signal) => {
        oom.stop();
        if (pid !== undefined) {
          this.live.delete(pid);
          this.ledger?.exited(pid);
        }
        if (spawnError && code === null && !signal) {
          return resolve({ exitCode: 128, reason: 'StartError', message: spawnError.message });
        }
        const exitCode = code ?? 128 + (signal ? signalNumber(signal) : 0);
        // As the kernel's OOM kill of a container's cgroup shows in its status: 137, OOMKilled.
        const exit: ContainerExit = oom.killed ? { exitCode: 137, reason: 'OOMKilled' } : { exitCode };
        if (signal && !oom.killed) exit.signal = signal;
        const message = readMessage(terminationFile);
        if (message !== undefined) exit.message = message;
        resolve(exit);
      });
    });
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  try {
    if (pid !== undefined) process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

interface InContainer {
  cwd: string;
  env: Record<string, string>;
  tools: string | undefined;
  ash: boolean | undefined;
  rewrite: (arg: string) => string;
}

/**
 * Runs a command in a running container's context (its environment, directory, image tools and path
 * mapping), as an exec probe does: no shell, stdout and stderr together, the process group killed when
 * `timeoutMs` passes.
 */
function execIn(c: InContainer, command: string[], timeoutMs: number): Promise<ExecResult> {
  const resolved = resolveExecutable(
    command.map((a) => c.rewrite(String(a))),
    c.tools,
    c.ash,
  );
  if ('error' in resolved) return Promise.resolve({ exitCode: 126, output: resolved.error });
  const [cmd, ...args] = resolved.argv;
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(cmd!, args, { cwd: c.cwd, env: c.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);
    for (const stream of [child.stdout, child.stderr])
      stream.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', (e) => (output += e.message));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode: code ?? 128 + (signal ? signalNumber(signal) : 0),
        output,
        ...(timedOut ? { timedOut } : {}),
      });
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGQUIT: 3 };
  return table[signal] ?? 15;
}
