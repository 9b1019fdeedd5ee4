/**
 * rest-config entries: the JSON of Go's `rest.Config`, decoded the way Go's
 * `encoding/json` would (keys matched case-insensitively, `[]byte` as standard base64, `Timeout` in
 * nanoseconds), plus one Argosy extension, an `AWS` block asking for EKS IAM tokens. Errors name the
 * key and the field, never a value.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '../logger.ts';
import { EntryInvalidError } from './errors.ts';

/** The EKS extension: sign `k8s-aws-v1.` tokens for this cluster with the process's AWS identity. */
export interface AwsAuthConfig {
  clusterName: string;
  region: string;
}

/** A parsed, validated entry. PEM fields hold decoded text (from `*Data`, or read from `*File`). */
export interface RestConfigEntry {
  /** `https://host:port[/prefix]`; a Host without scheme gets `https://` like client-go. */
  host: string;
  apiPath: string;
  username: string;
  password: string;
  bearerToken: string;
  /** `BearerTokenFile` when `BearerToken` is empty: re-read when it changes (projected tokens rotate). */
  bearerTokenFile?: string;
  tls: {
    insecure: boolean;
    serverName: string;
    caPem: string;
    certPem: string;
    keyPem: string;
  };
  userAgent: string;
  disableCompression: boolean;
  qps: number;
  burst: number;
  /** From `Timeout` (ns), rounded up; 0 = client default. */
  timeoutMs: number;
  aws?: AwsAuthConfig;
  /**
   * Argosy extension `Executor`: `argo` builds pods for Argo's executor, `pods` keeps pods-only mode;
   * absent = discovery decides (docs/adr/0009-argo-executor-pods.md).
   */
  executor?: 'argo' | 'pods';
  /** Argosy extension `Labels`: the cluster's labels, matched by templates' `placement.clusterSelector`. */
  labels?: Record<string, string>;
}

/** How the entry authenticates (for `argosy cluster list`, never the credential itself). */
export type AuthKind = 'token' | 'client-certificate' | 'basic' | 'aws-iam' | 'none';

export function authKindOf(e: RestConfigEntry): AuthKind {
  if (e.aws) return 'aws-iam';
  if (e.bearerToken) return 'token';
  if (e.tls.certPem && e.tls.keyPem) return 'client-certificate';
  if (e.username) return 'basic';
  return 'none';
}

export interface ParseEntryOptions {
  logger?: Logger;
  /** Reads `CAFile`/`CertFile`/`KeyFile` (injected for tests). */
  readFile?: (path: string) => string;
}

const TOP = [
  'Host',
  'APIPath',
  'Username',
  'Password',
  'BearerToken',
  'BearerTokenFile',
  'TLSClientConfig',
  'UserAgent',
  'DisableCompression',
  'QPS',
  'Burst',
  'Timeout',
  'AWS',
  'Executor',
  'Labels',
  ...['ExecProvider', 'AuthProvider', 'Impersonate'],
] as const;

/**
 * Fields of rest.Config Argosy cannot honour, refused rather than ignored: an exec plugin or auth
 * provider would have to run in the function, and an ignored Impersonate would act with the
 * entry's own, broader rights.
 */
const REFUSED: Record<string, string> = {
  ExecProvider: 'exec credential plugins are not supported yet: use a token, a client certificate or the AWS block',
  AuthProvider: 'auth provider plugins are not supported yet: use a token, a client certificate or the AWS block',
  Impersonate: 'impersonation is not supported yet: give the entry the identity it should act as',
};
const TLS = [
  'Insecure',
  'ServerName',
  'CertFile',
  'KeyFile',
  'CAFile',
  'CertData',
  'KeyData',
  'CAData',
  'NextProtos',
] as const;
const AWS = ['ClusterName', 'Region'] as const;

type Fields<K extends string> = Partial<Record<K, unknown>>;

/** Go's decoder: exact field name first, then a case-insensitive match; unknown keys are reported. */
function pickFields<K extends string>(obj: Record<string, unknown>, names: readonly K[], unknown: string[]): Fields<K> {
  const out: Fields<K> = {};
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n]));
  for (const [k, v] of Object.entries(obj)) {
    const name = (names as readonly string[]).includes(k) ? (k as K) : byLower.get(k.toLowerCase());
    if (!name) unknown.push(k);
    else if (!(name in out) || k === name) out[name] = v;
  }
  return out;
}

/**
 * Decodes a store value into the entry's JSON object: an object as is, a JSON string, or base64 of
 * JSON (a Secret's `data` once decoded by the store may still be base64 when users double-encode).
 */
export function decodeEntryValue(key: string, value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value !== 'string') throw new EntryInvalidError(key, '', 'value must be a JSON object');
  let text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) {
    if (!isBase64(text)) throw new EntryInvalidError(key, '', 'value is neither JSON nor base64 of JSON');
    text = Buffer.from(text, 'base64').toString('utf8').trim();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No cause: the parser's message can quote the input, which may hold a token.
    throw new EntryInvalidError(key, '', 'value is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new EntryInvalidError(key, '', 'value must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Standard base64 with padding, as Go's `[]byte` marshals. */
export function isBase64(s: string): boolean {
  const t = s.replace(/\s+/g, '');
  return t.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(t);
}

/** Parses and validates one entry. Throws {@link EntryInvalidError} naming the key and field. */
export function parseEntry(key: string, value: unknown, options: ParseEntryOptions = {}): RestConfigEntry {
  const obj = decodeEntryValue(key, value);
  const unknown: string[] = [];
  const f = pickFields(obj, TOP, unknown);
  const tlsRaw = f.TLSClientConfig ?? {};
  if (typeof tlsRaw !== 'object' || tlsRaw === null || Array.isArray(tlsRaw)) {
    throw new EntryInvalidError(key, 'TLSClientConfig', 'must be an object');
  }
  const t = pickFields(tlsRaw as Record<string, unknown>, TLS, unknown);
  for (const field of Object.keys(REFUSED) as (keyof typeof f)[]) {
    if (isSet(f[field])) throw new EntryInvalidError(key, field, REFUSED[field]!);
  }
  const read = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const str = (field: string, v: unknown) => stringField(key, field, v);
  const token = str('BearerToken', f.BearerToken);
  const tokenFile = token ? '' : str('BearerTokenFile', f.BearerTokenFile);
  const entry: RestConfigEntry = {
    host: parseHost(key, f.Host),
    apiPath: str('APIPath', f.APIPath),
    username: str('Username', f.Username),
    password: str('Password', f.Password),
    bearerToken: token || fileField(key, 'BearerTokenFile', tokenFile, read).trim(),
    ...(tokenFile ? { bearerTokenFile: tokenFile } : {}),
    tls: {
      insecure: boolField(key, 'TLSClientConfig.Insecure', t.Insecure),
      serverName: str('TLSClientConfig.ServerName', t.ServerName),
      caPem: pemField(key, 'CA', t.CAData, t.CAFile, read),
      certPem: pemField(key, 'Cert', t.CertData, t.CertFile, read),
      keyPem: pemField(key, 'Key', t.KeyData, t.KeyFile, read),
    },
    userAgent: str('UserAgent', f.UserAgent),
    disableCompression: boolField(key, 'DisableCompression', f.DisableCompression),
    qps: numberField(key, 'QPS', f.QPS, false),
    burst: numberField(key, 'Burst', f.Burst, true),
    timeoutMs: Math.ceil(numberField(key, 'Timeout', f.Timeout, true) / 1e6),
  };
  if (!!entry.tls.certPem !== !!entry.tls.keyPem) {
    throw new EntryInvalidError(key, 'TLSClientConfig', 'CertData/CertFile and KeyData/KeyFile must be given together');
  }
  if (f.AWS !== undefined && f.AWS !== null) entry.aws = parseAws(key, f.AWS, unknown);
  const executor = str('Executor', f.Executor);
  if (executor === 'argo' || executor === 'pods') entry.executor = executor;
  else if (executor) throw new EntryInvalidError(key, 'Executor', 'must be "argo", "pods" or empty');
  const labels = labelsField(key, f.Labels);
  if (labels) entry.labels = labels;
  if (unknown.length) options.logger?.warn('rest-config entry has unknown fields (ignored)', { key, fields: unknown });
  return entry;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** `Labels`: an object of Kubernetes-style label keys and values, or absent/null. */
function labelsField(key: string, v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new EntryInvalidError(key, 'Labels', 'must be an object');
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
    if (!LABEL_KEY.test(k)) throw new EntryInvalidError(key, 'Labels', `"${k}" is not a valid label key`);
    if (typeof value !== 'string' || !LABEL_VALUE.test(value))
      throw new EntryInvalidError(key, 'Labels', `the value of "${k}" is not a valid label value`);
    out[k] = value;
  }
  return out;
}

/** Go marshals a zero ImpersonationConfig as `{"UserName":"","UID":"","Groups":null,"Extra":null}`: not set. */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.values(v).some(isSet);
  return true;
}

function parseHost(key: string, v: unknown): string {
  const host = stringField(key, 'Host', v).trim();
  if (!host) throw new EntryInvalidError(key, 'Host', 'missing (the API server URL, e.g. https://10.0.0.1:6443)');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new EntryInvalidError(key, 'Host', 'not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new EntryInvalidError(key, 'Host', `scheme must be https (or http), not "${url.protocol.replace(':', '')}"`);
  }
  if (url.username || url.password) throw new EntryInvalidError(key, 'Host', 'must not embed credentials');
  if (url.search || url.hash) throw new EntryInvalidError(key, 'Host', 'must not have a query or fragment');
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function parseAws(key: string, v: unknown, unknown: string[]): AwsAuthConfig {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new EntryInvalidError(key, 'AWS', 'must be an object');
  const a = pickFields(v as Record<string, unknown>, AWS, unknown);
  const clusterName = stringField(key, 'AWS.ClusterName', a.ClusterName);
  const region = stringField(key, 'AWS.Region', a.Region);
  if (!clusterName) throw new EntryInvalidError(key, 'AWS.ClusterName', 'missing (the EKS cluster name)');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new EntryInvalidError(key, 'AWS.Region', 'missing or not an AWS region (e.g. eu-west-1)');
  }
  return { clusterName, region };
}

function stringField(key: string, field: string, v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new EntryInvalidError(key, field, 'must be a string');
  return v;
}

function boolField(key: string, field: string, v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new EntryInvalidError(key, field, 'must be true or false');
  return v;
}

function numberField(key: string, field: string, v: unknown, integer: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) {
    throw new EntryInvalidError(key, field, `must be a non-negative ${integer ? 'integer' : 'number'}`);
  }
  return v;
}

function fileField(key: string, field: string, v: unknown, read: (p: string) => string): string {
  const path = stringField(key, field, v);
  if (!path) return '';
  try {
    return read(path);
  } catch (cause) {
    throw new EntryInvalidError(key, field, `cannot read file ${path}`, { cause });
  }
}

/** `<kind>Data` (base64 of PEM) wins over `<kind>File`; either must hold PEM. */
function pemField(key: string, kind: string, data: unknown, file: unknown, read: (p: string) => string): string {
  const dataField = `TLSClientConfig.${kind}Data`;
  let pem = '';
  if (data !== undefined && data !== null && data !== '') {
    if (typeof data !== 'string' || !isBase64(data)) {
      throw new EntryInvalidError(key, dataField, 'not valid standard base64 (Go []byte encoding)');
    }
    pem = Buffer.from(data, 'base64').toString('utf8');
  } else {
    pem = fileField(key, `TLSClientConfig.${kind}File`, file, read);
  }
  if (pem && !pem.includes('-----BEGIN ')) {
    throw new EntryInvalidError(key, dataField, 'does not decode to PEM (expected "-----BEGIN ...")');
  }
  return pem;
}
