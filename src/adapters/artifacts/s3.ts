/**
 * The S3 artifact driver (S3 API, path-style, as Argo's driver talks to S3-compatible stores such as
 * MinIO and the local emulator): `endpoint` is `host:port` as Argo writes it, `insecure` selects http.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ArtifactStore } from './store.ts';

export interface S3StoreOptions {
  /** `host:port` (Argo's form) or a URL. */
  endpoint: string;
  bucket: string;
  region?: string;
  insecure?: boolean;
  /** Keys read from the artifact's Secrets; absent = the SDK's default chain (IRSA, Pod Identity). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

function endpointUrl(endpoint: string, insecure: boolean | undefined): string {
  if (/^https?:\/\//.test(endpoint)) return endpoint;
  return `${insecure ? 'http' : 'https'}://${endpoint}`;
}

function isMissing(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
}

/** HeadBucket: true, false when there is no such bucket; other answers (403, network) throw. */
async function bucketExists(client: S3Client, Bucket: string): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket }));
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

/** An {@link ArtifactStore} over one S3 bucket. */
export function s3Store(opts: S3StoreOptions): ArtifactStore {
  const client = new S3Client({
    endpoint: endpointUrl(opts.endpoint, opts.insecure),
    region: opts.region || 'us-east-1',
    forcePathStyle: true,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  const Bucket = opts.bucket;
  return {
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body }));
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return Buffer.from((await out.Body?.transformToByteArray()) ?? []);
      } catch (e) {
        if (isMissing(e)) return undefined;
        throw e;
      }
    },
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    bucketExists: () => bucketExists(client, Bucket),
    async ensureBucket() {
      if (!(await bucketExists(client, Bucket))) await client.send(new CreateBucketCommand({ Bucket }));
    },
    close: () => client.destroy(),
  };
}
