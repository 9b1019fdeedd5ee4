/**
 * Local mode's default artifact repository, set up the way a platform team sets one up for Argo
 * (docs/artifacts.md): a bucket in the S3 emulator (fauxqs serves S3 next to SQS on the same endpoint,
 * path-style), ConfigMap `artifact-repositories` with the default-repository annotation in the main
 * cluster's workflow namespaces, and the credentials Secret in every namespace of every cluster where
 * pods run ("create any secrets you need" in the other cluster). The keys are random per stack; the
 * emulator does not check them, but they travel exactly as real ones do (Secret → file → executor).
 */
import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../ports/kube.ts';
import { isAlreadyExists } from '../adapters/kube/errors.ts';
import { s3Store } from '../adapters/artifacts/s3.ts';

export const LOCAL_ARTIFACT_BUCKET = 'argosy-artifacts';
export const LOCAL_ARTIFACT_SECRET = 'argosy-artifacts';
export const LOCAL_REPOSITORY_KEY = 'default-v1';

/** The repository as ConfigMap `artifact-repositories` holds it (YAML of Argo's ArtifactRepository). */
export function localRepositoryYaml(endpoint: string): string {
  return [
    's3:',
    `  endpoint: ${endpoint}`,
    `  bucket: ${LOCAL_ARTIFACT_BUCKET}`,
    '  insecure: true',
    '  accessKeySecret:',
    `    name: ${LOCAL_ARTIFACT_SECRET}`,
    '    key: accesskey',
    '  secretKeySecret:',
    `    name: ${LOCAL_ARTIFACT_SECRET}`,
    '    key: secretkey',
    '',
  ].join('\n');
}

async function createOrReplace(client: KubeClient, collection: string, name: string, body: unknown): Promise<void> {
  try {
    await client.request({ method: 'POST', path: collection, body });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    await client.request({ method: 'PUT', path: `${collection}/${name}`, body });
  }
}

/** Places: `clients` by cluster, each with the namespaces to prepare; `main` also gets the ConfigMap. */
export interface RepositoryPlaces {
  main: { client: KubeClient; namespaces: string[] };
  others: { client: KubeClient; namespaces: string[] }[];
}

/** Creates the bucket, the ConfigMap and the Secrets. `s3Url` is the emulator's `http://host:port`. */
export async function configureArtifactRepository(s3Url: string, places: RepositoryPlaces): Promise<void> {
  const accesskey = randomBytes(12).toString('hex');
  const secretkey = randomBytes(24).toString('hex');
  const store = s3Store({
    endpoint: s3Url,
    bucket: LOCAL_ARTIFACT_BUCKET,
    credentials: { accessKeyId: accesskey, secretAccessKey: secretkey },
  });
  try {
    await store.ensureBucket();
  } finally {
    store.close();
  }
  const secretData = {
    accesskey: Buffer.from(accesskey).toString('base64'),
    secretkey: Buffer.from(secretkey).toString('base64'),
  };
  for (const { client, namespaces } of [places.main, ...places.others])
    for (const ns of namespaces)
      await createOrReplace(client, `/api/v1/namespaces/${ns}/secrets`, LOCAL_ARTIFACT_SECRET, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: LOCAL_ARTIFACT_SECRET, namespace: ns },
        type: 'Opaque',
        data: secretData,
      });
  const endpoint = new URL(s3Url).host;
  for (const ns of places.main.namespaces)
    await createOrReplace(places.main.client, `/api/v1/namespaces/${ns}/configmaps`, 'artifact-repositories', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'artifact-repositories',
        namespace: ns,
        annotations: { 'workflows.argoproj.io/default-artifact-repository': LOCAL_REPOSITORY_KEY },
      },
      // Argo's quick-start has the same repository under a second key, `my-key`, for artifactRepositoryRef examples.
      data: { [LOCAL_REPOSITORY_KEY]: localRepositoryYaml(endpoint), 'my-key': localRepositoryYaml(endpoint) },
    });
}
