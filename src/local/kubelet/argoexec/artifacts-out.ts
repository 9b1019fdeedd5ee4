/**
 * Output artifacts as `argoexec wait` saves them (Argo's WorkflowExecutor.SaveArtifacts;
 * docs/adr/0009-argo-executor-pods.md):
 * emissary staged a tar.gz of each path at `/var/run/argo/outputs/artifacts<path>.tgz`; by default that
 * file is uploaded as `<archive key>/<name>.tgz`; with `archive: none` it is unpacked and the file (or
 * tree) is uploaded under its basename. An artifact with its own key goes there and is reported as
 * declared; the others are reported with their location emptied down to the key. A missing optional
 * artifact is dropped. Log archiving uploads `main`'s combined output as `<archive key>/main.log`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import type { Artifact, ArtifactLocation } from '../../../engine/types.ts';
import { joinKey } from '../../../engine/artifacts/location.ts';
import { untarGz } from './archive.ts';
import { relocate, storeOf } from './location.ts';

export interface OutputTemplate {
  outputs?: { artifacts?: Artifact[] };
  archiveLocation?: ArtifactLocation;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Uploads one artifact; returns the artifact as reported. */
async function saveOne(a: Artifact, staged: string, t: OutputTemplate, at: (p: string) => string): Promise<Artifact> {
  // Argo's git driver cannot save (`Save`: "git output artifacts unsupported").
  if (a.git) throw new Error(`artifact '${a.name}': git output artifacts unsupported`);
  const hasOwnKey = !!a.s3?.key;
  const loc = relocate(a, t.archiveLocation);
  if (!loc?.key) throw new Error(`artifact '${a.name}': no artifact repository to save it to (archiveLocation)`);
  const store = storeOf(loc, at);
  try {
    if (a.archive?.none === undefined) {
      const key = hasOwnKey ? loc.key : joinKey(loc.key, `${a.name}.tgz`);
      await store.put(key, readFileSync(staged));
      return hasOwnKey ? a : { ...a, s3: { key } };
    }
    const dir = mkdtempSync(join(tmpdir(), 'argosy-art-'));
    try {
      await untarGz(staged, dir);
      const top = join(dir, readdirSync(dir)[0] ?? '');
      const key = hasOwnKey ? loc.key : joinKey(loc.key, basename(a.path ?? top));
      if (statSync(top).isFile()) await store.put(key, readFileSync(top));
      else for (const f of filesUnder(top)) await store.put(joinKey(key, relative(top, f)), readFileSync(f));
      return hasOwnKey ? a : { ...a, s3: { key } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    store.close();
  }
}

/** Saves every output artifact; errors are collected (the rest are still tried). */
export async function saveOutputArtifacts(
  t: OutputTemplate,
  at: (p: string) => string,
  errors: string[],
): Promise<Artifact[]> {
  const saved: Artifact[] = [];
  for (const a of t.outputs?.artifacts ?? []) {
    if (!a.path) continue;
    const staged = at(`/var/run/argo/outputs/artifacts${a.path}.tgz`);
    if (!existsSync(staged)) {
      if (!a.optional) errors.push(`failed to save artifact '${a.name}': ${a.path}: no such file or directory`);
      continue;
    }
    try {
      saved.push(await saveOne(a, staged, t, at));
    } catch (e) {
      errors.push(`failed to save artifact '${a.name}': ${(e as Error).message}`);
    }
  }
  return saved;
}

/** `SaveLogs`: main's combined output as artifact `main-logs`, when the archive location asks for it. */
export async function saveLogs(t: OutputTemplate, at: (p: string) => string, errors: string[]): Promise<Artifact[]> {
  const loc = t.archiveLocation;
  if (!loc?.archiveLogs || !loc.s3?.key) return [];
  const file = at('/var/run/argo/ctr/main/combined');
  if (!existsSync(file)) return [];
  const key = joinKey(loc.s3.key, 'main.log');
  const store = storeOf(loc.s3, at);
  try {
    await store.put(key, readFileSync(file));
    return [{ name: 'main-logs', s3: { key } }];
  } catch (e) {
    errors.push(`failed to save logs: ${(e as Error).message}`);
    return [];
  } finally {
    store.close();
  }
}
