/**
 * Where an artifact lives, as Argo's executor works it out (Argo's key-only artifacts;
 * docs/adr/0009-argo-executor-pods.md): an artifact without a full location takes the template's
 * `archiveLocation` (bucket, endpoint, credentials) and keeps its own key (`Relocate`); credentials are
 * read only as files under `/argo/secret/<secret>/<key>`, never through the Secrets API.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Artifact, ArtifactLocation, S3Location } from '../../../engine/types.ts';
import type { ArtifactStore } from '../../../adapters/artifacts/store.ts';
import { s3Store } from '../../../adapters/artifacts/s3.ts';

/** The S3 location of an artifact after `Relocate`, or undefined when it is not an S3 artifact. */
export function relocate(a: Partial<Artifact>, archive: ArtifactLocation | undefined): S3Location | undefined {
  const own = a.s3;
  const full = own?.endpoint && own.bucket && own.key;
  if (full) return own;
  if (own === undefined && (a.raw || a.http)) return undefined;
  if (!archive?.s3) return undefined;
  return { ...archive.s3, key: own?.key ?? archive.s3.key };
}

function readSecret(ref: { name: string; key: string }, at: (p: string) => string): string {
  const file = at(`/argo/secret/${ref.name}/${ref.key}`);
  if (!existsSync(file))
    throw new Error(
      `secret "${ref.name}" (key "${ref.key}") is not mounted at /argo/secret/${ref.name}/${ref.key}: ` +
        `create Secret ${ref.name} with key ${ref.key} in the pod's namespace (docs/artifacts.md)`,
    );
  return readFileSync(file, 'utf8').trim();
}

/** A driver for the bucket of `loc`, with the credentials its Secrets name. */
export function storeOf(loc: S3Location, at: (p: string) => string): ArtifactStore {
  if (!loc.endpoint || !loc.bucket) throw new Error('s3 artifact location needs an endpoint and a bucket');
  const credentials =
    loc.accessKeySecret && loc.secretKeySecret
      ? {
          accessKeyId: readSecret(loc.accessKeySecret, at),
          secretAccessKey: readSecret(loc.secretKeySecret, at),
          ...(loc.sessionTokenSecret ? { sessionToken: readSecret(loc.sessionTokenSecret, at) } : {}),
        }
      : undefined;
  return s3Store({
    endpoint: loc.endpoint,
    bucket: loc.bucket,
    region: loc.region,
    insecure: loc.insecure,
    ...(credentials ? { credentials } : {}),
  });
}
