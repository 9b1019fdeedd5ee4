/**
 * Stand-in for `argoexec init` (Argo's executor, docs/adr/0009-argo-executor-pods.md): writes the template to
 * `/var/run/argo/template`, "copies the binary" to `/var/run/argo/argoexec`, stages the script source at
 * `/argo/staging/script` (0755). Container paths in the script are mapped to the host paths the `main`
 * container's mounts give them, because the local node runs processes without mount namespaces.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ContainerExit, StartRequest } from '../runtime.ts';
import { hostPathIn, mountsOf, rewritePaths } from './fs.ts';
import { loadInputArtifacts } from './artifacts-in.ts';
import { outputMounts, type OutputPaths } from './rootfs.ts';

/** Runs init; resolves with its exit (1 and the first error as termination message on failure). */
export async function runInit(req: StartRequest, log: (line: string) => void): Promise<ContainerExit> {
  if (!req.env.ARGO_POD_NAME) return { exitCode: 1, message: 'ARGO_POD_NAME is not set' };
  const mounts = mountsOf(req.pod, req.container, req.podDir, req.secret);
  const at = (p: string) => hostPathIn(mounts, p, join(req.podDir, 'rootfs', 'init'));
  const raw = req.env.ARGO_TEMPLATE ?? '';
  let template: OutputPaths & { script?: { source?: string }; inputs?: { artifacts?: never[] } };
  try {
    template = JSON.parse(raw) as typeof template;
  } catch {
    return { exitCode: 1, message: 'failed to unmarshal template: ARGO_TEMPLATE is not valid JSON' };
  }
  mkdirSync(at('/var/run/argo'), { recursive: true });
  writeFileSync(at('/var/run/argo/argoexec'), '#!argoexec stand-in (local kubelet)\n', { mode: 0o555 });
  writeFileSync(at('/var/run/argo/template'), raw, { mode: 0o444 });
  const source = template.script?.source;
  if (source) {
    const main = ((req.pod.spec?.containers ?? []) as { name: string }[]).find((c) => c.name === 'main');
    const volumeMounts = main ? mountsOf(req.pod, main, req.podDir) : mounts;
    const privates = outputMounts(template, volumeMounts, join(req.podDir, 'rootfs', 'main'));
    const mainMounts = [...volumeMounts, ...privates].sort((a, b) => b.path.length - a.path.length);
    const file = at('/argo/staging/script');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, rewritePaths(source, mainMounts));
    chmodSync(file, 0o755);
  }
  try {
    await loadInputArtifacts(req, template as Parameters<typeof loadInputArtifacts>[1], at, log);
  } catch (e) {
    return { exitCode: 1, message: (e as Error).message };
  }
  return { exitCode: 0 };
}
