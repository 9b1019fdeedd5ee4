/**
 * A container's filesystem on the local node, as far as Argo's executor stand-in needs it: each
 * volumeMount maps a container path to a host directory of the pod (`<podDir>/volumes/<volume>[/<subPath>]`),
 * emptyDirs are shared by the pod's containers, secret volumes are written out as files, and `/tmp` of a
 * container without a `/tmp` mount is the pod's private tmp (as the process runtime maps it for commands).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../apiserver/resources.ts';
import { claimDirIn } from '../claim-binder.ts';

/** A mount: container path → host path. */
export interface HostMount {
  path: string;
  host: string;
}

/** Reads a Secret's decoded data in the pod's namespace (undefined when missing). */
export type SecretLookup = (name: string) => Record<string, string> | undefined;

/** The host directory of a pod volume. */
export function volumeDir(podDir: string, volume: string): string {
  return join(podDir, 'volumes', volume);
}

/** Materialises secret volumes (once per container start; the kubelet does it before containers run). */
function materialiseSecret(dir: string, volume: KubeObject, lookup: SecretLookup): void {
  const data = lookup(String(volume.secret.secretName)) ?? {};
  mkdirSync(dir, { recursive: true });
  const items: { key: string; path: string }[] =
    volume.secret.items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const item of items) {
    const value = data[item.key];
    if (value === undefined) continue;
    const file = join(dir, item.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, value, { mode: 0o400 });
  }
}

/** The mount table of `container` in `pod`, longest container path first. */
export function mountsOf(pod: KubeObject, container: KubeObject, podDir: string, lookup?: SecretLookup): HostMount[] {
  const volumes = new Map<string, KubeObject>(((pod.spec?.volumes ?? []) as KubeObject[]).map((v) => [v.name, v]));
  const out: HostMount[] = [];
  for (const m of (container.volumeMounts ?? []) as KubeObject[]) {
    const volume = volumes.get(m.name);
    const claim = volume?.persistentVolumeClaim?.claimName;
    // A claim's data is one directory per claim in the namespace, shared by the pods that mount it.
    const base = claim ? claimDirIn(dirname(podDir), String(claim)) : volumeDir(podDir, String(m.name));
    if (volume?.secret && lookup) materialiseSecret(base, volume, lookup);
    const host = m.subPath ? join(base, String(m.subPath)) : base;
    // The kubelet sets an emptyDir or claim volume up before the container starts.
    if (volume?.emptyDir || claim) mkdirSync(base, { recursive: true });
    out.push({ path: String(m.mountPath).replace(/\/+$/, '') || '/', host });
  }
  if (!out.some((m) => m.path === '/tmp')) out.push({ path: '/tmp', host: join(podDir, 'tmp') });
  return out.sort((a, b) => b.path.length - a.path.length);
}

/** The host path of a container path (paths outside every mount go under `<podDir>/rootfs/<container>`). */
export function hostPathIn(mounts: HostMount[], path: string, rootfs: string): string {
  for (const m of mounts) {
    if (path === m.path) return m.host;
    if (path.startsWith(`${m.path}/`)) return join(m.host, path.slice(m.path.length + 1));
  }
  return join(rootfs, path);
}

/** Rewrites container paths that start at a word boundary inside a command argument or script text (one pass). */
export function rewritePaths(text: string, mounts: HostMount[]): string {
  if (mounts.length === 0) return text;
  const alternatives = mounts.map((m) => m.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const re = new RegExp(`(^|[\\s"'=>:(])(${alternatives})(?=/|$|[\\s"';)])`, 'g');
  const hostOf = new Map(mounts.map((m) => [m.path, m.host]));
  return text.replace(re, (_s, pre: string, path: string) => `${pre}${hostOf.get(path) ?? path}`);
}
