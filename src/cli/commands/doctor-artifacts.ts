/**
 * `argosy doctor`'s look at artifact repositories (docs/artifacts.md): every ConfigMap
 * `artifact-repositories` in the main cluster, each repository in it parsed as the engine parses it,
 * its Secrets present in that namespace, and its bucket answering a HeadBucket with those keys from
 * where the doctor runs. Pods in every cluster must reach the same endpoint; the doctor can only say
 * that it does from here. Secret values are used for the probe and never printed. Secrets in other
 * clusters are not checked: the controller may not read Secrets there, by design (ADR 0016).
 */
import { isKubeApiError } from '../../adapters/kube/errors.ts';
import { s3Store } from '../../adapters/artifacts/s3.ts';
import { ARTIFACT_REPOSITORIES, DEFAULT_REPOSITORY_ANNOTATION } from '../../engine/artifacts/repository.ts';
import type { ArtifactRepository, S3Location } from '../../engine/types.ts';
import { parseYamlDocument } from '../../engine/yaml-go.ts';
import type { KubeClient } from '../../ports/kube.ts';
import { errText, type Finding } from './doctor-checks.ts';

const DOCS = 'see docs/artifacts.md';

interface ConfigMapItem {
  metadata: { namespace?: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
}

type SecretRef = { name: string; key: string } | undefined;

/** A Secret's key, decoded; a finding when it cannot be read. */
async function secretValue(main: KubeClient, ns: string, ref: NonNullable<SecretRef>): Promise<string | Finding> {
  try {
    const s = await main.request<{ data?: Record<string, string> }>({
      method: 'GET',
      path: `/api/v1/namespaces/${ns}/secrets/${ref.name}`,
    });
    const v = s.data?.[ref.key];
    if (v !== undefined) return Buffer.from(v, 'base64').toString('utf8').trim();
    return { check: '', status: 'fail', detail: `Secret ${ns}/${ref.name} has no key ${ref.key}` };
  } catch (e) {
    const missing = isKubeApiError(e) && e.statusCode === 404;
    return {
      check: '',
      status: missing ? 'fail' : 'warn',
      detail: missing
        ? `Secret ${ns}/${ref.name} (key ${ref.key}) does not exist`
        : `cannot read Secret ${ns}/${ref.name} to test the keys: ${errText(e)}`,
      advice: `create Secret ${ref.name} with key ${ref.key} in namespace ${ns} of every cluster that runs artifact steps; ${DOCS}`,
    };
  }
}

/** HeadBucket with the repository's keys; the finding for one S3 repository. */
async function probeS3(main: KubeClient, ns: string, s3: S3Location, check: string): Promise<Finding> {
  const where = `s3 ${s3.endpoint ?? '(AWS default endpoint)'}/${s3.bucket ?? ''}`;
  let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  if (s3.accessKeySecret && s3.secretKeySecret) {
    const id = await secretValue(main, ns, s3.accessKeySecret);
    if (typeof id !== 'string') return { ...id, check, detail: `${where}: ${id.detail}` };
    const secret = await secretValue(main, ns, s3.secretKeySecret);
    if (typeof secret !== 'string') return { ...secret, check, detail: `${where}: ${secret.detail}` };
    credentials = { accessKeyId: id, secretAccessKey: secret };
  }
  const store = s3Store({
    endpoint: s3.endpoint || 's3.amazonaws.com',
    bucket: s3.bucket ?? '',
    region: s3.region,
    insecure: s3.insecure,
    ...(credentials ? { credentials } : {}),
  });
  try {
    if (await store.bucketExists())
      return {
        check,
        status: 'ok',
        detail: `${where}: reachable from here, ${credentials ? 'keys accepted' : 'SDK credentials accepted'}`,
      };
    return { check, status: 'fail', detail: `${where}: no such bucket`, advice: `create the bucket; ${DOCS}` };
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const denied = status === 403 || status === 401;
    return {
      check,
      status: 'fail',
      detail: `${where}: ${denied ? 'credentials refused' : 'unreachable'} (${errText(e)})`,
      advice: denied
        ? `check the keys in the repository's Secrets (or the IAM role); ${DOCS}`
        : `every cluster's pods must reach the endpoint too (network, DNS, TLS); ${DOCS}`,
    };
  } finally {
    store.close();
  }
}

/** Findings for one repository value of a ConfigMap. */
async function checkRepository(main: KubeClient, ns: string, key: string, value: string): Promise<Finding> {
  const check = `artifacts ${ns}/${key}`;
  let repo: ArtifactRepository;
  try {
    repo = (parseYamlDocument(value) ?? {}) as ArtifactRepository;
  } catch (e) {
    return { check, status: 'fail', detail: `not a repository: ${(e as Error).message}`, advice: DOCS };
  }
  if (repo.s3) return probeS3(main, ns, repo.s3 as S3Location, check);
  const kind = Object.keys(repo).find((k) => k !== 'archiveLogs') ?? 'empty';
  return {
    check,
    status: 'warn',
    detail: `${kind} repositories are not supported by Argosy yet (workflows using it end Error)`,
    advice: `use an S3-compatible repository; ${DOCS}`,
  };
}

/** Every artifact repository of the main cluster, checked. */
export async function checkArtifactRepositories(main: KubeClient | undefined): Promise<Finding[]> {
  const check = 'artifacts';
  if (!main) return [{ check, status: 'skip', detail: 'no main cluster (KUBECONFIG)' }];
  let items: ConfigMapItem[];
  try {
    const list = await main.request<{ items: ConfigMapItem[] }>({
      method: 'GET',
      path: '/api/v1/configmaps',
      query: { fieldSelector: `metadata.name=${ARTIFACT_REPOSITORIES}` },
    });
    items = list.items;
  } catch (e) {
    return [{ check, status: 'fail', detail: `cannot list ConfigMaps ${ARTIFACT_REPOSITORIES}: ${errText(e)}` }];
  }
  if (items.length === 0)
    return [
      {
        check,
        status: 'skip',
        detail: `no ConfigMap ${ARTIFACT_REPOSITORIES} in the main cluster: workflows with artifacts end Error`,
        advice: DOCS,
      },
    ];
  const out: Finding[] = [];
  for (const cm of items) {
    const ns = cm.metadata.namespace ?? '';
    const def = cm.metadata.annotations?.[DEFAULT_REPOSITORY_ANNOTATION];
    if (!def || cm.data?.[def] === undefined)
      out.push({
        check: `artifacts ${ns}`,
        status: 'warn',
        detail: `no default repository (annotation ${DEFAULT_REPOSITORY_ANNOTATION} ${def ? `names missing key ${def}` : 'absent'})`,
        advice: `only workflows with spec.artifactRepositoryRef.key can use it; ${DOCS}`,
      });
    for (const [key, value] of Object.entries(cm.data ?? {})) out.push(await checkRepository(main, ns, key, value));
  }
  return out;
}
