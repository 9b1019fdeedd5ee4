/**
 * Input artifacts as `argoexec init` loads them (Argo's executor): each artifact is written
 * to `/argo/inputs/artifacts/<name>` (which `main` mounts at the artifact's path), unpacked when it is a
 * tarball, then given its `mode`. Optional artifacts without a source are skipped; a required one fails
 * with Argo's message. Sources: `raw`, `http`, and S3 (relocated against the archive location; a key
 * with no object is read as the "directory" of objects under `<key>/`); other kinds fail by name.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Artifact, ArtifactLocation } from '../../../engine/types.ts';
import type { StartRequest } from '../runtime.ts';
import { untarGz } from './archive.ts';
import { relocate, storeOf } from './location.ts';
import { loadGit, type GitArtifact } from './git.ts';
import { overlappingMount } from '../../../engine/pod/executor-pod.ts';

/** The parts of a template whose volumeMounts an input artifact may lie in. */
type MountHolder = Parameters<typeof overlappingMount>[0];

type InputArtifact = Artifact;

const KINDS = ['gcs', 'azure', 'oss', 'hdfs', 'artifactory', 'plugin'];

/** A directory artifact: the objects under `<key>/`, written below `target`. */
type Tree = { files: [string, Buffer][] };

/** Reads an S3 artifact: the object, else the tree under `<key>/`, else undefined (not found). */
async function fetchS3(
  a: InputArtifact,
  archive: ArtifactLocation | undefined,
  at: (p: string) => string,
): Promise<Buffer | Tree | undefined> {
  const loc = relocate(a, archive);
  if (!loc?.key) return undefined;
  const store = storeOf(loc, at);
  try {
    const bytes = await store.get(loc.key);
    if (bytes) return bytes;
    const prefix = `${loc.key.replace(/\/+$/, '')}/`;
    const keys = await store.list(prefix);
    if (keys.length === 0) throw new Error(`failed to load artifact '${a.name}': key ${loc.key} not found`);
    const files: [string, Buffer][] = [];
    for (const k of keys) files.push([k.slice(prefix.length), (await store.get(k)) ?? Buffer.alloc(0)]);
    return { files };
  } finally {
    store.close();
  }
}

/** Downloads one artifact's bytes, or undefined when it has no source. */
async function fetchBytes(
  a: InputArtifact,
  archive: ArtifactLocation | undefined,
  at: (p: string) => string,
): Promise<Buffer | Tree | undefined> {
  if (a.s3) return fetchS3(a, archive, at);
  if (a.raw) return Buffer.from(a.raw.data ?? '');
  if (a.http?.url) {
    const headers = Object.fromEntries((a.http.headers ?? []).map((h) => [h.name, h.value]));
    const res = await fetch(a.http.url, { headers });
    if (!res.ok)
      throw new Error(`failed to load artifact '${a.name}': GET ${a.http.url}: ${res.status} ${res.statusText}`);
    return Buffer.from(await res.arrayBuffer());
  }
  const kind = KINDS.find((k) => a[k] !== undefined);
  if (kind) throw new Error(`artifact '${a.name}': ${kind} artifacts are not supported yet by the local executor`);
  return undefined;
}

/** gzip magic; Argo auto-detects tarballs only when they are gzip and their first tar header reads. */
function isGzip(b: Buffer): boolean {
  return b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Places the bytes at `target`: renamed as is, or unpacked (one top-level entry becomes the target). */
async function place(a: InputArtifact, bytes: Buffer, target: string): Promise<void> {
  const tmp = `${target}.tmp`;
  writeFileSync(tmp, bytes);
  const untar = a.archive?.tar !== undefined || (a.archive?.none === undefined && isGzip(bytes));
  if (!untar) return renameSync(tmp, target);
  const dir = `${target}.tmpdir`;
  mkdirSync(dir, { recursive: true });
  await untarGz(tmp, dir);
  rmSync(tmp);
  const entries = readdirSync(dir);
  if (entries.length === 1) {
    renameSync(join(dir, entries[0]!), target);
    rmSync(dir, { recursive: true });
  } else renameSync(dir, target);
}

/** A git input: cloned straight into its place (a repository is a directory, never an archive). */
async function loadGitArtifact(
  a: InputArtifact,
  at: (p: string) => string,
  log: (line: string) => void,
): Promise<void> {
  const target = at(`/argo/inputs/artifacts/${a.name}`);
  mkdirSync(join(target, '..'), { recursive: true, mode: 0o700 });
  if (existsSync(target)) rmSync(target, { recursive: true });
  try {
    await loadGit(a.git as GitArtifact, target, at);
  } catch (e) {
    if (a.optional) return;
    throw new Error(`failed to load artifact '${a.name}': ${(e as Error).message}`);
  }
  if (a.mode !== undefined) chmodSync(target, a.mode);
  log(`Successfully download file: ${target}`);
}

/** Loads every input artifact of the template (init's `loadArtifacts`). */
export async function loadInputArtifacts(
  _req: StartRequest,
  template: { inputs?: { artifacts?: InputArtifact[] }; archiveLocation?: ArtifactLocation } & MountHolder,
  at: (p: string) => string,
  log: (line: string) => void,
): Promise<void> {
  for (const a of template.inputs?.artifacts ?? []) {
    if (a.git) {
      await loadGitArtifact(a, at, log);
      continue;
    }
    let bytes: Buffer | Tree | undefined;
    try {
      bytes = await fetchBytes(a, template.archiveLocation, at);
    } catch (e) {
      if (a.optional) continue;
      throw e;
    }
    if (!bytes) {
      if (a.optional) continue;
      throw new Error(`required artifact '${a.name}' not supplied`);
    }
    // An artifact whose path lies in a volume main mounts goes into that volume, as Argo's LoadArtifacts does.
    const target =
      a.path && overlappingMount(template, a.path) ? at(`/mainctrfs${a.path}`) : at(`/argo/inputs/artifacts/${a.name}`);
    mkdirSync(join(target, '..'), { recursive: true, mode: 0o700 });
    if (existsSync(target)) rmSync(target, { recursive: true });
    if (Buffer.isBuffer(bytes)) await place(a, bytes, target);
    else
      for (const [rel, data] of bytes.files) {
        mkdirSync(dirname(join(target, rel)), { recursive: true });
        writeFileSync(join(target, rel), data);
      }
    if (a.mode !== undefined) chmodSync(target, a.mode);
    log(`Successfully download file: ${target}`);
  }
}
