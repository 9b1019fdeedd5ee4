/**
 * Artifacts as `argo get` prints them: the node table's wide ARTIFACTS cell is the output artifacts'
 * names joined by commas (argo's `getArtifactsString`), and the header's "Output Artifacts:" block
 * prints each global artifact's location with the gogo-protobuf `String()` of its Go type
 * (`&S3Artifact{S3Bucket:S3Bucket{Endpoint:,...},Key:...,}`, pkg/apis/workflow/v1alpha1/generated.pb.go),
 * which is what argo's printer calls. Only names of Secrets appear, never their values.
 */
import type { Artifact } from '../../engine/types.ts';

type Loose = Record<string, unknown>;
type SecretRef = { name?: string; key?: string; optional?: boolean } | undefined;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
/** gogo's `valueToStringGenerated`: `nil` or `*<value>`. */
const ptr = (v: unknown): string => (v === undefined || v === null ? 'nil' : `*${String(v)}`);

/** `%v` of a `*v1.SecretKeySelector`, with gogo's `SecretKeySelector` → `v1.SecretKeySelector` rename. */
function secretText(s: SecretRef): string {
  if (!s) return 'nil';
  return (
    `&v1.SecretKeySelector{LocalObjectReference:LocalObjectReference{Name:${str(s.name)},},` +
    `Key:${str(s.key)},Optional:${ptr(s.optional)},}`
  );
}

function structText(name: string, fields: [string, string][]): string {
  return `&${name}{${fields.map(([k, v]) => `${k}:${v},`).join('')}}`;
}

function s3Text(s3: Loose): string {
  const create = s3.createBucketIfNotPresent as Loose | undefined;
  const enc = s3.encryptionOptions as Loose | undefined;
  const bucket = structText('S3Bucket', [
    ['Endpoint', str(s3.endpoint)],
    ['Bucket', str(s3.bucket)],
    ['Region', str(s3.region)],
    ['Insecure', ptr(s3.insecure)],
    ['AccessKeySecret', secretText(s3.accessKeySecret as SecretRef)],
    ['SecretKeySecret', secretText(s3.secretKeySecret as SecretRef)],
    ['RoleARN', str(s3.roleARN)],
    ['UseSDKCreds', String(s3.useSDKCreds === true)],
    [
      'CreateBucketIfNotPresent',
      create ? structText('CreateS3BucketOptions', [['ObjectLocking', String(create.objectLocking === true)]]) : 'nil',
    ],
    [
      'EncryptionOptions',
      enc
        ? structText('S3EncryptionOptions', [
            ['KmsKeyId', str(enc.kmsKeyId)],
            ['KmsEncryptionContext', str(enc.kmsEncryptionContext)],
            ['EnableEncryption', String(enc.enableEncryption === true)],
            ['ServerSideCustomerKeySecret', secretText(enc.serverSideCustomerKeySecret as SecretRef)],
          ])
        : 'nil',
    ],
    ['CASecret', secretText(s3.caSecret as SecretRef)],
    ['SessionTokenSecret', secretText(s3.sessionTokenSecret as SecretRef)],
    ['AddressingStyle', str(s3.addressingStyle)],
  ]);
  return structText('S3Artifact', [
    ['S3Bucket', bucket.slice(1)],
    ['Key', str(s3.key)],
  ]);
}

function httpText(http: Loose): string {
  const headers = ((http.headers ?? []) as { name?: string; value?: string }[])
    .map((h) => `Header{Name:${str(h.name)},Value:${str(h.value)},},`)
    .join('');
  // Auth holds only Secret references; argo prints nested auth structs, Argosy the presence.
  const auth = http.auth ? '&HTTPAuth{...}' : 'nil';
  return structText('HTTPArtifact', [
    ['URL', str(http.url)],
    ['Headers', `[]Header{${headers}}`],
    ['Auth', auth],
    ['SaveStreamViaFile', String(http.saveStreamViaFile === true)],
  ]);
}

/** The location text argo prints for a workflow output artifact, or undefined for kinds it skips. */
export function artifactLocationText(a: Artifact): string | undefined {
  const x = a as unknown as Loose;
  if (x.s3) return s3Text(x.s3 as Loose);
  if (x.http) return httpText(x.http as Loose);
  if (x.raw) return structText('RawArtifact', [['Data', str((x.raw as Loose).data)]]);
  return undefined;
}

/** The wide ARTIFACTS cell: output artifact names joined by commas. */
export function artifactNames(artifacts: Artifact[] | undefined): string {
  return (artifacts ?? []).map((a) => a.name).join(',');
}
