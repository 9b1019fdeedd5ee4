/**
 * One probe attempt of the local kubelet, per handler, with the outcome text a real kubelet puts in its
 * `Unhealthy` events: `httpGet` (200–399 succeeds), `tcpSocket` (a connection is accepted), `grpc` (the
 * standard grpc.health.v1 Health/Check answers SERVING, over HTTP/2 cleartext), `exec` (the command,
 * run in the container's environment, exits 0). Addresses default to the pod's IP.
 */
import { connect as tcpConnect } from 'node:net';
import { request } from 'node:http';
import { connect as h2Connect } from 'node:http2';
import type { KubeObject } from '../apiserver/resources.ts';

export interface ProbeSpec {
  exec?: { command?: string[] };
  httpGet?: {
    path?: string;
    port?: number | string;
    host?: string;
    scheme?: string;
    httpHeaders?: { name: string; value: string }[];
  };
  tcpSocket?: { port?: number | string; host?: string };
  grpc?: { port?: number; service?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface ProbeOutcome {
  ok: boolean;
  /** What a failure says (the kubelet's wording), '' on success. */
  output: string;
}

/** Runs a command in the container (its env, cwd, image tools); output is stdout+stderr. */
export type ContainerExec = (
  argv: string[],
  timeoutMs: number,
) => Promise<{ exitCode: number; output: string; timedOut?: boolean }>;

export interface ProbeTarget {
  container: KubeObject;
  podIp: string;
  exec?: ContainerExec;
}

/** A named port of the container, or the number itself. */
export function portOf(container: KubeObject, port: number | string | undefined): number {
  if (typeof port === 'number') return port;
  const named = ((container.ports as { name?: string; containerPort?: number }[] | undefined) ?? []).find(
    (p) => p.name === port,
  );
  return named?.containerPort ?? Number(port);
}

/** Go's net error text for a failed dial. */
function dialError(addr: string, e: NodeJS.ErrnoException): string {
  if (e.code === 'ECONNREFUSED') return `dial tcp ${addr}: connect: connection refused`;
  if (e.code === 'ETIMEDOUT') return `dial tcp ${addr}: i/o timeout`;
  return `dial tcp ${addr}: ${e.message}`;
}

function tcpProbe(spec: NonNullable<ProbeSpec['tcpSocket']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const host = spec.host ?? t.podIp;
  const port = portOf(t.container, spec.port);
  const addr = `${host}:${port}`;
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve({ ok: false, output: `dial tcp ${addr}: i/o timeout` });
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve({ ok: true, output: '' });
    });
    socket.on('error', (e) => resolve({ ok: false, output: dialError(addr, e) }));
  });
}

function httpProbe(spec: NonNullable<ProbeSpec['httpGet']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const host = spec.host ?? t.podIp;
  const port = portOf(t.container, spec.port);
  const path = spec.path ?? '/';
  const url = `${(spec.scheme ?? 'HTTP').toLowerCase()}://${host}:${port}${path.startsWith('/') ? '' : '/'}${path}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
  for (const h of spec.httpHeaders ?? []) headers[h.name] = h.value;
  return new Promise((resolve) => {
    // A fresh connection per probe, as the kubelet's prober disables keep-alives.
    const req = request({ host, port, path, headers, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(
        code >= 200 && code < 400
          ? { ok: true, output: '' }
          : { ok: false, output: `HTTP probe failed with statuscode: ${code}` },
      );
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({
        ok: false,
        output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ ok: false, output: `Get "${url}": ${dialError(`${host}:${port}`, e)}` }),
    );
    req.end();
  });
}

/** grpc.health.v1.HealthCheckRequest { service = 1 } in a gRPC message frame. */
function healthRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  const body = name.length ? Buffer.concat([Buffer.from([0x0a, name.length]), name]) : Buffer.alloc(0);
  const frame = Buffer.alloc(5);
  frame.writeUInt32BE(body.length, 1);
  return Buffer.concat([frame, body]);
}

/** HealthCheckResponse.status (field 1, varint) of a gRPC message frame; 0 (UNKNOWN) when absent. */
function healthStatus(frame: Buffer): number {
  const body = frame.subarray(5);
  for (let i = 0; i + 1 < body.length; i += 2) if (body[i] === 0x08) return body[i + 1]!;
  return 0;
}

const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** The outcome of a Health/Check call from its trailers and response message. */
function grpcOutcome(trailers: Record<string, unknown>, message: Buffer): ProbeOutcome {
  const code = Number(trailers['grpc-status'] ?? 0);
  const text = String(trailers['grpc-message'] ?? code);
  if (code === 12)
    return {
      ok: false,
      output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${text}`,
    };
  if (code !== 0) return { ok: false, output: `error: health rpc probe failed: ${text}` };
  const status = healthStatus(message);
  if (status === 1) return { ok: true, output: '' };
  return { ok: false, output: `service unhealthy (responded with "${SERVING_STATUS[status] ?? status}")` };
}

function grpcProbe(spec: NonNullable<ProbeSpec['grpc']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = `${t.podIp}:${spec.port}`;
  const seconds = `${timeoutMs / 1000}s`;
  return new Promise((resolve) => {
    let settled = false;
    const session = h2Connect(`http://${addr}`);
    const finish = (o: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(o);
    };
    const timer = setTimeout(
      () => finish({ ok: false, output: `timeout: health rpc did not complete within ${seconds}` }),
      timeoutMs,
    );
    session.on('error', () =>
      finish({ ok: false, output: `timeout: failed to connect service "${addr}" within ${seconds}` }),
    );
    const stream = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('trailers', (trailers) => finish(grpcOutcome(trailers, Buffer.concat(chunks))));
    stream.on('error', () =>
      finish({ ok: false, output: `timeout: failed to connect service "${addr}" within ${seconds}` }),
    );
    stream.end(healthRequest(spec.service ?? ''));
  });
}

async function execProbe(
  spec: NonNullable<ProbeSpec['exec']>,
  t: ProbeTarget,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const command = spec.command ?? [];
  if (!t.exec) return { ok: false, output: 'exec probes cannot run in this container on the local node' };
  const r = await t.exec(command, timeoutMs);
  if (r.timedOut) return { ok: false, output: `command "${command.join(' ')}" timed out` };
  return r.exitCode === 0 ? { ok: true, output: '' } : { ok: false, output: r.output };
}

/** One attempt of `spec`, bounded by its timeoutSeconds (default 1). */
export function probeOnce(spec: ProbeSpec, t: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutMs = Math.max(1, spec.timeoutSeconds ?? 1) * 1000;
  if (spec.exec) return execProbe(spec.exec, t, timeoutMs);
  if (spec.httpGet) return httpProbe(spec.httpGet, t, timeoutMs);
  if (spec.tcpSocket) return tcpProbe(spec.tcpSocket, t, timeoutMs);
  if (spec.grpc) return grpcProbe(spec.grpc, t, timeoutMs);
  return Promise.resolve({ ok: false, output: 'probe has no handler (exec, httpGet, tcpSocket or grpc)' });
}
