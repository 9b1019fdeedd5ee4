/**
 * What Argo's emissary does for a container-set member (cmd/argoexec/commands/emissary.go `runEmissary`):
 * wait for each dependency's `/var/run/argo/ctr/<dep>/exitcode`; a non-zero one ends this member without
 * running it (the exit-code file gets the dependency's code, the container exits 64 with the reason as its
 * termination message); otherwise run the command up to `containerSet.retryStrategy.retries` times
 * (k8s `wait.Backoff{Steps: retries}`: that many attempts in all, one when unset), `duration` apart.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ContainerExit, RunningContainer } from '../runtime.ts';

/** What the member reads of the template (ARGO_TEMPLATE). */
export interface ContainerSetView {
  containerSet?: {
    containers?: { name: string; dependencies?: string[] }[];
    retryStrategy?: { retries?: number | string; duration?: string };
  };
}

/** A member's place in its set: the members it waits for and how often it runs. */
export interface MemberGraph {
  dependencies: string[];
  attempts: number;
  delayMs: number;
}

const EMISSARY_FAILED = 64;

/** Go duration text (`300ms`, `1s`, `1m30s`) in ms; 0 when empty or unreadable. */
function durationMs(text: string | undefined): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, n, u] of (text ?? '').matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(n) * units[u!]!;
  return total;
}

/** The member `name` of the template's container set, or undefined when it is not one. */
export function containerSetGraph(t: ContainerSetView, name: string): MemberGraph | undefined {
  const member = t.containerSet?.containers?.find((c) => c.name === name);
  if (!member) return undefined;
  const retries = t.containerSet?.retryStrategy?.retries;
  // Argo reads `retries: 0` as no attempt at all; running once keeps the member visible instead.
  const attempts = retries === undefined ? 1 : Math.max(1, Number(retries) || 0);
  return {
    dependencies: member.dependencies ?? [],
    attempts,
    delayMs: durationMs(t.containerSet?.retryStrategy?.duration),
  };
}

/** Resolves with the dependency's exit code once its file exists, or undefined when stopped first. */
async function exitCodeOf(file: string, stopped: () => boolean): Promise<number | undefined> {
  while (!existsSync(file)) {
    if (stopped()) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
  return Number(readFileSync(file, 'utf8').trim());
}

/**
 * Runs a member: dependencies first, then up to `attempts` runs of `start` until one exits 0.
 * `finish` stages outputs and writes the exit-code file; `writeExitCode` writes it alone.
 */
export function runMember(
  graph: MemberGraph,
  at: (p: string) => string,
  start: () => RunningContainer,
  finish: (exit: ContainerExit) => Promise<ContainerExit>,
  writeExitCode: (code: number) => void,
): RunningContainer {
  let signal: NodeJS.Signals | undefined;
  let current: RunningContainer | undefined;
  const stopped = () => signal !== undefined;
  const signalled = (): ContainerExit => {
    const code = signal === 'SIGKILL' ? 137 : 143;
    writeExitCode(code);
    return { exitCode: code };
  };
  const exited = (async (): Promise<ContainerExit> => {
    for (const dep of graph.dependencies) {
      const code = await exitCodeOf(at(`/var/run/argo/ctr/${dep}/exitcode`), stopped);
      if (code === undefined) return signalled();
      if (code !== 0) {
        writeExitCode(code);
        return { exitCode: EMISSARY_FAILED, message: `dependency "${dep}" exited with non-zero code: ${code}` };
      }
    }
    let exit: ContainerExit = { exitCode: 0 };
    for (let attempt = 1; attempt <= graph.attempts; attempt++) {
      if (stopped()) return signalled();
      current = start();
      exit = await current.exited;
      // A command that cannot start is not retried (Argo's emissary looks it up before its retry loop).
      if (exit.exitCode === 0 || exit.reason === 'StartError' || attempt === graph.attempts || stopped()) break;
      await new Promise((r) => setTimeout(r, graph.delayMs));
    }
    return finish(exit);
  })();
  return {
    exited,
    kill: (s) => {
      signal = s;
      current?.kill(s);
    },
  };
}
