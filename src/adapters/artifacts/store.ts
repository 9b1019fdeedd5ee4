/**
 * The artifact driver interface: bytes in and out of a repository by key. Argo's executor has one driver
 * per store (`workflow/artifacts/<kind>`); Argosy needs them where Argosy itself moves artifacts (the local
 * executor stand-in, data templates, artifact GC). Keys are repository keys (`<wf>/<pod>/<name>.tgz`).
 */
export interface ArtifactStore {
  /** Writes one object. */
  put(key: string, body: Buffer): Promise<void>;
  /** Reads one object; `undefined` when there is no object at `key` (S3 NoSuchKey). */
  get(key: string): Promise<Buffer | undefined>;
  /** Every key under `prefix` (a "directory" artifact is the objects under `<key>/`). */
  list(prefix: string): Promise<string[]>;
  /** Deletes one object (absent is fine). */
  delete(key: string): Promise<void>;
  /** Whether the bucket exists (HeadBucket); throws when the store refuses or cannot be reached. */
  bucketExists(): Promise<boolean>;
  /** Creates the bucket when it does not exist (Argo's `createBucketIfNotPresent`). */
  ensureBucket(): Promise<void>;
  close(): void;
}
