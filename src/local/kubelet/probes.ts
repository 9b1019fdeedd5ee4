/**
 * The local kubelet's probes, run as the kubelet's prober workers run them (pkg/kubelet/prober): per
 * running container, one loop per `startupProbe`, `readinessProbe` and `livenessProbe`, each waiting
 * `initialDelaySeconds` after the container started and then probing every `periodSeconds`, each attempt
 * bounded by `timeoutSeconds`; a result counts once it repeats `successThreshold` (readiness only) or
 * `failureThreshold` times in a row. Readiness flips the container's `ready`; liveness and readiness wait
 * until the startup probe succeeded (`started`); a liveness or startup failure kills the container (SIGTERM,
 * SIGKILL after the grace period) and the pod's restartPolicy decides what follows, as on a node.
 * Failures are `Unhealthy` Warning events with the kubelet's wording (a repeat of the same failure is not
 * recorded again: a real event recorder counts it on the first event instead).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../apiserver/resources.ts';
import { probeOnce, type ProbeSpec, type ProbeTarget } from './probe-handlers.ts';

export type ProbeKind = 'startup' | 'readiness' | 'liveness';
const TITLE: Record<ProbeKind, string> = { startup: 'Startup', readiness: 'Readiness', liveness: 'Liveness' };
const KINDS: ProbeKind[] = ['startup', 'readiness', 'liveness'];

export interface ProberHooks {
  /** The readiness result, each time it counts (the caller ignores repeats). */
  ready(ok: boolean): void;
  /** The startup probe succeeded. */
  started(): void;
  /** A liveness or startup probe failed `failureThreshold` times: the container is to be killed. */
  failed(kind: 'liveness' | 'startup', spec: ProbeSpec): void;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** The probes a container declares. */
export function probesOf(container: KubeObject): Partial<Record<ProbeKind, ProbeSpec>> {
  const out: Partial<Record<ProbeKind, ProbeSpec>> = {};
  for (const kind of KINDS) {
    const spec = container[`${kind}Probe`] as ProbeSpec | undefined;
    if (spec) out[kind] = spec;
  }
  return out;
}

/** The probe workers of one container run; `stop()` when the container exits. */
export class ContainerProber {
  private readonly abort = new AbortController();
  private startupPassed: boolean;

  constructor(
    private readonly target: ProbeTarget,
    private readonly hooks: ProberHooks,
  ) {
    const probes = probesOf(target.container);
    this.startupPassed = !probes.startup;
    for (const kind of KINDS) {
      const spec = probes[kind];
      if (spec) void this.loop(kind, spec).catch(() => undefined);
    }
  }

  stop(): void {
    this.abort.abort();
  }

  private wait(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.abort.signal });
  }

  /** One prober worker; ends when stopped (the sleep rejects) or when its result ends the probing. */
  private async loop(kind: ProbeKind, spec: ProbeSpec): Promise<void> {
    const periodMs = Math.max(1, spec.periodSeconds ?? 10) * 1000;
    const needed = {
      ok: kind === 'readiness' ? Math.max(1, spec.successThreshold ?? 1) : 1,
      fail: Math.max(1, spec.failureThreshold ?? 3),
    };
    let last: boolean | undefined;
    let run = 0;
    let reported: string | undefined;
    await this.wait(Math.max(0, spec.initialDelaySeconds ?? 0) * 1000);
    for (;;) {
      // Liveness and readiness wait for the startup probe; the startup probe stops once it passed.
      if (kind !== 'startup' && !this.startupPassed) {
        await this.wait(periodMs);
        continue;
      }
      const r = await probeOnce(spec, this.target);
      if (this.abort.signal.aborted) return;
      if (!r.ok && r.output !== reported)
        this.hooks.event('Warning', 'Unhealthy', `${TITLE[kind]} probe failed: ${r.output}`);
      reported = r.ok ? undefined : r.output;
      run = r.ok === last ? run + 1 : 1;
      last = r.ok;
      if (run >= (r.ok ? needed.ok : needed.fail) && this.counted(kind, spec, r.ok)) return;
      await this.wait(periodMs);
    }
  }

  /** Applies a result that counts; true when this worker stops probing. */
  private counted(kind: ProbeKind, spec: ProbeSpec, ok: boolean): boolean {
    if (kind === 'readiness') {
      this.hooks.ready(ok);
      return false;
    }
    if (kind === 'startup' && ok) {
      this.startupPassed = true;
      this.hooks.started();
      return true;
    }
    if (ok) return false;
    // The kubelet stops probing a container it is killing (it waits for a new container ID).
    this.hooks.failed(kind, spec);
    return true;
  }
}
