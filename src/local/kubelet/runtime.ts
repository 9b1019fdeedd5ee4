/**
 * The container runtime contract the kubelet drives: "pull" an image (can the host stand in for
 * it?) and start a container, reporting output as it comes and the exit when it ends.
 */
import type { KubeObject } from '../apiserver/resources.ts';
import type { ContainerExec } from './probe-handlers.ts';

export interface ContainerExit {
  exitCode: number;
  /** `Completed`, `Error`, `StartError`, `DeadlineExceeded`... (default from exitCode). */
  reason?: string;
  /** The termination message (terminationMessagePath contents). */
  message?: string;
  signal?: string;
}

export interface RunningContainer {
  /** Resolves once the container has exited (never rejects). */
  exited: Promise<ContainerExit>;
  /** Sends a signal to the container's whole process group. */
  kill(signal: NodeJS.Signals): void;
  /** Runs a command inside the running container (exec probes), when the runtime can. */
  exec?: ContainerExec;
}

export interface StartRequest {
  pod: KubeObject;
  container: KubeObject;
  /** Resolved environment (pod env, envFrom, downward API). */
  env: Record<string, string>;
  /** Private directory of this pod (workspace, tmp, termination logs). */
  podDir: string;
  onOutput(chunk: string): void;
  /** Decoded data of a Secret in the pod's namespace (secret volumes). */
  secret?: (name: string) => Record<string, string> | undefined;
  /** This cluster's API as the pod reaches it, with the token of the pod's ServiceAccount (if it has one). */
  api?: { url: string; caPem: string; token?: string };
}

export type PullResult = { ok: true } | { ok: false; reason: 'ErrImagePull'; message: string };

export interface ContainerRuntime {
  readonly name: 'process' | 'sim';
  pull(image: string, pod: KubeObject): PullResult;
  start(req: StartRequest): RunningContainer;
}
