/**
 * Files the kubelet manages inside a pod, written under the pod's directory for the process runtime:
 * `/etc/hosts` with the pod's `hostAliases` (as the kubelet writes it), and a container's
 * `/proc/mounts`, listing its volume mounts at the host paths its commands see.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../apiserver/resources.ts';
import type { HostMount } from './argoexec/fs.ts';

/** Where the pod's hosts file is (the nslookup stand-in reads it through ARGOSY_POD_DIR). */
export function hostsFile(podDir: string): string {
  return join(podDir, 'etc', 'hosts');
}

/** Writes the pod's hosts file: localhost, the pod's own name, then the hostAliases block. */
export function writeHostsFile(podDir: string, pod: KubeObject, podIp: string): string {
  const file = hostsFile(podDir);
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    `${podIp}\t${String(pod.metadata?.name ?? '')}`,
  ];
  const aliases = (pod.spec?.hostAliases ?? []) as { ip?: string; hostnames?: string[] }[];
  if (aliases.length > 0) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) lines.push(`${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}`);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Writes a `/proc/mounts` for a container whose mounts map container paths to `hosts`. */
export function writeProcMounts(file: string, hosts: string[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, hosts.map((h) => `overlay ${h} ext4 rw,relatime 0 0\n`).join(''));
}

/**
 * A container's mount table plus its kubelet-managed files: `/etc/hosts` (the pod's) and `/proc/mounts`
 * (written now from the table, so `grep /mnt/vol /proc/mounts` finds a mounted volume at the host path
 * the command's `/mnt/vol` is rewritten to). Longest container path first, as the table is kept.
 */
export function withPodFiles(mounts: HostMount[], podDir: string, rootfs: string): HostMount[] {
  const procMounts = join(rootfs, 'proc', 'mounts');
  writeProcMounts(
    procMounts,
    mounts.map((m) => m.host),
  );
  const files = [
    { path: '/etc/hosts', host: hostsFile(podDir) },
    { path: '/proc/mounts', host: procMounts },
  ].filter((f) => !mounts.some((m) => m.path === f.path));
  return [...mounts, ...files].sort((a, b) => b.path.length - a.path.length);
}
