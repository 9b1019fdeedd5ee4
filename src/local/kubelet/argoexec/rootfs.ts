/**
 * The part of an image's root filesystem the local node has to give each container of its own. Processes
 * run on the host without mount namespaces, so a path outside every volumeMount would be the host's
 * (shared by every pod, and written as the host user). The paths a template declares as outputs
 * (artifacts, parameter files) are the ones Argo's examples write outside `/tmp`: `/mnt/out`, `/outer`,
 * `/hello.txt`, `/etc`. Each gets a private directory under the container's rootfs, as if mounted there,
 * so the command, the script and emissary's staging all see the same private path. A path that exists
 * in the image (the host stands in for it, e.g. `/etc`) starts as a copy of the host's.
 *
 * Input artifacts on the image's PATH (`/bin/kubectl`) are found by name, as in the image: their
 * mounted files are linked from a per-container bin directory that leads PATH.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { HostMount } from './fs.ts';

/** Top-level directories every image has: a private path starts below them (`/mnt/out`, not `/mnt`). */
const IMAGE_DIRS = new Set([
  'bin',
  'boot',
  'dev',
  'etc',
  'home',
  'lib',
  'lib64',
  'media',
  'mnt',
  'opt',
  'root',
  'run',
  'sbin',
  'srv',
  'usr',
  'var',
]);
/** Never private (the host's own process view). */
const HOST_ONLY = new Set(['/proc', '/sys', '/dev']);
/** The image's PATH directories (Docker's default). */
const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
/** A host path is copied into the private one only when it is this small (a config directory, not /usr). */
const SEED_LIMIT = 2000;

/** What the template declares as outputs, as emissary reads it. */
export interface OutputPaths {
  outputs?: {
    parameters?: { valueFrom?: { path?: string } }[];
    artifacts?: { path?: string }[];
  };
}

function covered(mounts: HostMount[], path: string): boolean {
  return mounts.some((m) => path === m.path || path.startsWith(`${m.path}/`) || m.path === '/');
}

/** The private root of `path`: its first segment below the image's standard directories. */
function privateRoot(path: string): string | undefined {
  const parts = path.split('/').filter(Boolean);
  let i = 0;
  while (i < parts.length - 1 && IMAGE_DIRS.has(parts[i]!)) i++;
  const root = `/${parts.slice(0, i + 1).join('/')}`;
  return parts.length === 0 || HOST_ONLY.has(`/${parts[0]}`) ? undefined : root;
}

/** The private mounts of a container's declared output paths not under one of its mounts. */
export function outputMounts(t: OutputPaths, mounts: HostMount[], rootfs: string): HostMount[] {
  const paths = [
    ...(t.outputs?.artifacts ?? []).map((a) => a.path),
    ...(t.outputs?.parameters ?? []).map((p) => p.valueFrom?.path),
  ].filter((p): p is string => !!p && p.startsWith('/'));
  const out = new Map<string, HostMount>();
  for (const p of paths) {
    if (covered(mounts, p)) continue;
    const root = privateRoot(p.replace(/\/+$/, ''));
    if (root && !covered([...out.values()], root)) out.set(root, { path: root, host: join(rootfs, root) });
  }
  return [...out.values()];
}

function countFiles(dir: string, limit: number): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (++n > limit) break;
    void e;
  }
  return n;
}

/** Larger host files are not what an image's config directory holds (e.g. /etc/alternatives/node). */
const SEED_FILE_LIMIT = 1024 * 1024;

/**
 * What of the host's copy an image would hold: world-readable small files and directories. Links (into
 * the host's own installation, or dangling) and private files such as /etc/shadow stay out.
 */
function imageLike(src: string): boolean {
  try {
    const st = lstatSync(src);
    if (st.isSymbolicLink() || (st.mode & 0o004) === 0) return false;
    return st.isDirectory() || (st.isFile() && st.size <= SEED_FILE_LIMIT);
  } catch {
    return false;
  }
}

/**
 * Creates the private directories' parents, seeding a private path from the host's when it is small.
 * A private directory holding a volume's mount point exists, as the container runtime creates mount
 * points (an input artifact at `/work/in.txt` gives the container a `/work` its script writes into).
 */
export function preparePrivateMounts(mounts: HostMount[], volumeMounts: HostMount[] = []): void {
  for (const m of mounts) {
    mkdirSync(dirname(m.host), { recursive: true });
    seedFromHost(m);
    if (volumeMounts.some((v) => v.path.startsWith(`${m.path}/`))) mkdirSync(m.host, { recursive: true });
  }
}

function seedFromHost(m: HostMount): void {
  if (existsSync(m.host) || !existsSync(m.path)) return;
  try {
    const isDir = statSync(m.path).isDirectory();
    if (isDir && countFiles(m.path, SEED_LIMIT) > SEED_LIMIT) return;
    cpSync(m.path, m.host, { recursive: true, errorOnExist: false, force: false, filter: imageLike });
  } catch {
    // Unreadable host files stay out of the copy, as an image's would differ anyway.
  }
}

/** A bin directory linking the container's file mounts that sit on the image's PATH; undefined if none. */
export function pathBinDir(mounts: HostMount[], rootfs: string): string | undefined {
  const onPath = mounts.filter((m) => PATH_DIRS.includes(dirname(m.path)) && existsSync(m.host));
  if (onPath.length === 0) return undefined;
  const dir = join(rootfs, '.argosy-path');
  mkdirSync(dir, { recursive: true });
  for (const m of onPath) {
    const link = join(dir, basename(m.path));
    if (!existsSync(link)) symlinkSync(m.host, link);
  }
  return dir;
}
