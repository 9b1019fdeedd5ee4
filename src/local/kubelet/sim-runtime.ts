/**
 * The simulated runtime (load tests): runs nothing. Each container "runs" for the pod's
 * `sim.argosy.io/duration` (e.g. `100ms`, `2s`; default from the cluster options) and exits with
 * `sim.argosy.io/exit-code`; `sim.argosy.io/log` becomes its output and
 * `sim.argosy.io/termination-message` its termination message.
 */
import type { ContainerExit, ContainerRuntime, PullResult, RunningContainer, StartRequest } from './runtime.ts';
import { runAgent } from './argoexec/agent.ts';

export const SIM_DURATION = 'sim.argosy.io/duration';
export const SIM_EXIT_CODE = 'sim.argosy.io/exit-code';
export const SIM_LOG = 'sim.argosy.io/log';
export const SIM_MESSAGE = 'sim.argosy.io/termination-message';

export interface SimDefaults {
  /** Default run time per container (ms). Default 5. */
  durationMs?: number;
  /** Default exit code. Default 0. */
  exitCode?: number;
}

/** Parses Go-style durations (`100ms`, `1.5s`, `2m`, `1h30m`); a bare number means seconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = t;
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return t ? total : undefined;
}

export class SimRuntime implements ContainerRuntime {
  readonly name = 'sim' as const;
  constructor(private readonly defaults: SimDefaults = {}) {}

  pull(): PullResult {
    return { ok: true };
  }

  start(req: StartRequest): RunningContainer {
    // Argo's executor containers (init, wait) of executor pods: the simulated exit code is the user's.
    if (String(req.container.image ?? '').includes('argoproj/argoexec')) {
      // The HTTP agent really makes its requests: there is no user process to simulate.
      const args = (req.container.args as string[] | undefined) ?? [];
      if (args[0] === 'agent') {
        const abort = new AbortController();
        const exited = runAgent(args[1], req, abort.signal, () => {}).catch((e: unknown) => ({
          exitCode: 64,
          message: (e as Error).message,
        }));
        return { exited, kill: () => abort.abort() };
      }
      return { exited: Promise.resolve({ exitCode: 0 }), kill: () => {} };
    }
    const ann: Record<string, string> = req.pod.metadata.annotations ?? {};
    const duration = parseDuration(ann[SIM_DURATION] ?? '') ?? this.defaults.durationMs ?? 5;
    const code = Number(ann[SIM_EXIT_CODE] ?? this.defaults.exitCode ?? 0);
    const exitCode = Number.isInteger(code) ? code : 1;
    let finish: (e: ContainerExit) => void = () => {};
    const exited = new Promise<ContainerExit>((resolve) => (finish = resolve));
    const timer = setTimeout(() => {
      if (ann[SIM_LOG]) req.onOutput(ann[SIM_LOG].endsWith('\n') ? ann[SIM_LOG] : `${ann[SIM_LOG]}\n`);
      const exit: ContainerExit = { exitCode };
      if (ann[SIM_MESSAGE]) exit.message = ann[SIM_MESSAGE];
      finish(exit);
    }, duration);
    return {
      exited,
      kill: (signal) => {
        clearTimeout(timer);
        finish({ exitCode: signal === 'SIGKILL' ? 137 : 143, signal });
      },
    };
  }
}
