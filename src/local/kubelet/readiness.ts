/**
 * Readiness probes of the local kubelet: a container with a `readinessProbe` is running but not ready
 * until the probe first succeeds (`httpGet` answering 200–399 or a `tcpSocket` accepting a connection, at
 * the pod's IP), probed after `initialDelaySeconds` and then every `periodSeconds` (at most 1 s apart
 * locally, so tests do not wait out real periods). Once ready it stays ready (no failureThreshold
 * accounting). An `exec` or `grpc` probe is not run: the container counts as ready when it runs, and the
 * kubelet records a Warning event saying so.
 */
import { connect } from 'node:net';
import { request } from 'node:http';
import type { KubeObject } from '../apiserver/resources.ts';

interface Probe {
  httpGet?: { path?: string; port?: number | string; host?: string };
  tcpSocket?: { port?: number | string; host?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
}

/** The probe of a container, when it has one. */
export function readinessProbeOf(container: KubeObject): Probe | undefined {
  return container.readinessProbe as Probe | undefined;
}

/** Why the probe is not run locally, or undefined when it is. */
export function unsupportedProbe(probe: Probe): string | undefined {
  if (probe.httpGet || probe.tcpSocket) return undefined;
  return 'only httpGet and tcpSocket readiness probes are run locally; this container counts as ready once running';
}

/** A named port of the container, or the number itself. */
function portOf(container: KubeObject, port: number | string | undefined): number {
  if (typeof port === 'number') return port;
  const named = ((container.ports as { name?: string; containerPort?: number }[] | undefined) ?? []).find(
    (p) => p.name === port,
  );
  return named?.containerPort ?? Number(port);
}

/** One probe: true when it succeeded. */
export function probeOnce(probe: Probe, container: KubeObject, podIp: string): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  return new Promise((resolve) => {
    if (probe.tcpSocket) {
      const socket = connect({ host: probe.tcpSocket.host ?? podIp, port: portOf(container, probe.tcpSocket.port) });
      socket.setTimeout(timeoutMs, () => socket.destroy());
      socket.on('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(false));
      return;
    }
    const g = probe.httpGet ?? {};
    const req = request(
      { host: g.host ?? podIp, port: portOf(container, g.port), path: g.path ?? '/', timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Probes until the first success; false when `stopped()` said to give up first. */
export async function waitUntilReady(
  probe: Probe,
  container: KubeObject,
  podIp: string,
  stopped: () => boolean,
): Promise<boolean> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(Math.min((probe.initialDelaySeconds ?? 0) * 1000, 5000));
  const periodMs = Math.min((probe.periodSeconds ?? 10) * 1000, 1000);
  while (!stopped()) {
    if (await probeOnce(probe, container, podIp)) return true;
    await sleep(periodMs);
  }
  return false;
}
