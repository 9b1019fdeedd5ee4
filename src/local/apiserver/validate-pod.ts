/**
 * Pod spec validation as kube-apiserver's core validation does it on create: containers (names,
 * image, ports, env, volume mounts, pull policy, resources), volumes, restart policy and the
 * ServiceAccount name, with the same field paths and messages. Quantities that do not parse fail
 * earlier, while the body is decoded (see {@link podDecodeError}).
 */
import {
  duplicateCause,
  forbiddenCause,
  invalidCause,
  invalidEach,
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
  notFoundCause,
  notSupportedCause,
  requiredCause,
} from './field-errors.ts';
import {
  QUANTITY_FORMAT_ERROR,
  compareQuantities,
  formatQuantity,
  isNegative,
  parseQuantity,
} from '../../engine/quantity.ts';
import type { KubeObject } from './resources.ts';
import { podSurfaceCauses, securityContextCauses } from './validate-pod-surface.ts';
import type { StatusCause } from './status.ts';

/** The VolumeSource members: a volume names exactly one. */
const VOLUME_TYPES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
]; // prettier-ignore

/** `IsStandardResourceName` and `IsStandardContainerResourceName` (hugepages-* counts as both). */
const STANDARD_CONTAINER = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD = new Set([
  ...STANDARD_CONTAINER, 'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'storage', 'requests.cpu', 'requests.memory', 'requests.storage',
  'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'services.nodeports', 'services.loadbalancers',
]); // prettier-ignore

const isObj = (v: unknown): v is KubeObject => !!v && typeof v === 'object' && !Array.isArray(v);
const listOf = (v: unknown): KubeObject[] => (Array.isArray(v) ? v.map((x) => (isObj(x) ? x : {})) : []);

/** Volumes; returns the names later mounts may refer to (only volumes without errors count). */
function volumeCauses(volumes: unknown, causes: StatusCause[]): Set<string> {
  const names = new Set<string>();
  listOf(volumes).forEach((vol, i) => {
    const path = `spec.volumes[${i}]`;
    const errs: StatusCause[] = [];
    const types = VOLUME_TYPES.filter((t) => vol[t] !== undefined && vol[t] !== null);
    if (types.length === 0) errs.push(requiredCause(path, 'must specify a volume type'));
    for (const t of types.slice(1))
      errs.push(forbiddenCause(`${path}.${t}`, 'may not specify more than 1 volume type'));
    const name = String(vol.name ?? '');
    if (!name) errs.push(requiredCause(`${path}.name`));
    else errs.push(...invalidEach(`${path}.name`, name, isDns1123Label(name)));
    if (names.has(name)) errs.push(duplicateCause(`${path}.name`, name));
    if (errs.length === 0) names.add(name);
    causes.push(...errs);
  });
  return names;
}

function portCauses(ports: unknown, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  listOf(ports).forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (p.name) {
      const msgs = isValidPortName(String(p.name));
      if (msgs.length) causes.push(...invalidEach(`${at}.name`, p.name, msgs));
      else if (names.has(p.name)) causes.push(duplicateCause(`${at}.name`, p.name));
      else names.add(p.name);
    }
    if (!p.containerPort) causes.push(requiredCause(`${at}.containerPort`));
    else causes.push(...invalidEach(`${at}.containerPort`, p.containerPort, isValidPortNum(Number(p.containerPort))));
    if (p.hostPort) causes.push(...invalidEach(`${at}.hostPort`, p.hostPort, isValidPortNum(Number(p.hostPort))));
    if (!p.protocol) causes.push(requiredCause(`${at}.protocol`));
    else if (!['SCTP', 'TCP', 'UDP'].includes(p.protocol)) {
      causes.push(notSupportedCause(`${at}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
    }
  });
  return causes;
}

function envCauses(env: unknown, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  listOf(env).forEach((e, i) => {
    const name = String(e.name ?? '');
    if (!name) causes.push(requiredCause(`${path}[${i}].name`));
    else causes.push(...invalidEach(`${path}[${i}].name`, name, isRelaxedEnvVarName(name)));
  });
  return causes;
}

function mountCauses(mounts: unknown, volumes: Set<string>, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const points = new Set<string>();
  listOf(mounts).forEach((m, i) => {
    const at = `${path}[${i}]`;
    const name = String(m.name ?? '');
    if (!name) causes.push(requiredCause(`${at}.name`));
    if (!volumes.has(name)) causes.push(notFoundCause(`${at}.name`, name));
    const mountPath = String(m.mountPath ?? '');
    if (!mountPath) causes.push(requiredCause(`${at}.mountPath`));
    if (points.has(mountPath)) causes.push(invalidCause(`${at}.mountPath`, mountPath, 'must be unique'));
    points.add(mountPath);
  });
  return causes;
}

function resourceNameCauses(name: string, path: string): StatusCause[] {
  const msgs = isQualifiedName(name);
  if (msgs.length) return invalidEach(path, name, msgs);
  if (name.includes('/')) return [];
  const causes: StatusCause[] = [];
  const hugepages = name.startsWith('hugepages-');
  if (!STANDARD.has(name) && !hugepages) {
    causes.push(invalidCause(path, name, 'must be a standard resource type or fully qualified'));
  }
  if (!STANDARD_CONTAINER.has(name) && !hugepages) {
    causes.push(invalidCause(path, name, 'must be a standard resource for containers'));
  }
  return causes;
}

function resourceCauses(resources: unknown, path: string): StatusCause[] {
  if (!isObj(resources)) return [];
  const causes: StatusCause[] = [];
  const limits = isObj(resources.limits) ? resources.limits : {};
  const requests = isObj(resources.requests) ? resources.requests : {};
  for (const [kind, map] of [
    ['limits', limits],
    ['requests', requests],
  ] as const) {
    for (const [name, raw] of Object.entries(map)) {
      const at = `${path}.${kind}[${name}]`;
      causes.push(...resourceNameCauses(name, at));
      const q = parseQuantity(raw);
      if (q && isNegative(q)) causes.push(invalidCause(at, formatQuantity(q), 'must be greater than or equal to 0'));
      const limit = kind === 'requests' ? parseQuantity(limits[name]) : undefined;
      if (q && limit && compareQuantities(q, limit) > 0) {
        const msg = `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`;
        causes.push(invalidCause(at, formatQuantity(q), msg));
      }
    }
  }
  return causes;
}

function containerCauses(c: KubeObject, path: string, volumes: Set<string>): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = String(c.name ?? '');
  if (!name) causes.push(requiredCause(`${path}.name`));
  else causes.push(...invalidEach(`${path}.name`, name, isDns1123Label(name)));
  const image = String(c.image ?? '');
  if (!image) causes.push(requiredCause(`${path}.image`));
  else if (image.trim() !== image) {
    causes.push(invalidCause(`${path}.image`, image, 'must not have leading or trailing whitespace'));
  }
  causes.push(...portCauses(c.ports, `${path}.ports`));
  causes.push(...envCauses(c.env, `${path}.env`));
  causes.push(...mountCauses(c.volumeMounts, volumes, `${path}.volumeMounts`));
  const pull = c.imagePullPolicy;
  if (!pull) causes.push(requiredCause(`${path}.imagePullPolicy`));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) {
    causes.push(notSupportedCause(`${path}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
  }
  causes.push(...resourceCauses(c.resources, `${path}.resources`));
  causes.push(...securityContextCauses(c.securityContext, `${path}.securityContext`));
  return causes;
}

/** Containers first, then init containers; a name may appear once across both lists. */
function allContainerCauses(spec: KubeObject, volumes: Set<string>): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) causes.push(requiredCause('spec.containers'));
  for (const field of ['containers', 'initContainers'] as const) {
    listOf(spec[field]).forEach((c, i) => {
      const path = `spec.${field}[${i}]`;
      if (c.name && seen.has(c.name)) causes.push(duplicateCause(`${path}.name`, c.name));
      if (c.name) seen.add(c.name);
      causes.push(...containerCauses(c, path, volumes));
    });
  }
  return causes;
}

/** Pod spec causes, in the order kube-apiserver reports them. */
export function podSpecCauses(pod: KubeObject): StatusCause[] {
  const spec = pod.spec;
  if (!isObj(spec)) return [requiredCause('spec.containers')];
  const causes: StatusCause[] = [];
  const volumes = volumeCauses(spec.volumes, causes);
  causes.push(...allContainerCauses(spec, volumes));
  const rp = spec.restartPolicy;
  if (rp !== undefined && !['Always', 'OnFailure', 'Never'].includes(rp)) {
    causes.push(notSupportedCause('spec.restartPolicy', rp, ['Always', 'OnFailure', 'Never']));
  }
  const sa = spec.serviceAccountName;
  if (sa) causes.push(...invalidEach('spec.serviceAccountName', sa, isDns1123Subdomain(String(sa))));
  causes.push(...podSurfaceCauses(spec));
  return causes;
}

/**
 * What fails while a Pod body is decoded into Go types, before validation: a malformed quantity.
 * The real server answers 400 `Pod in version "v1" cannot be handled as a Pod: …`.
 */
export function podDecodeError(pod: KubeObject): string | undefined {
  const spec = isObj(pod.spec) ? pod.spec : {};
  for (const c of [...listOf(spec.containers), ...listOf(spec.initContainers)]) {
    const r = isObj(c.resources) ? c.resources : {};
    for (const map of [r.limits, r.requests]) {
      if (!isObj(map)) continue;
      if (Object.values(map).some((v) => !parseQuantity(v))) return QUANTITY_FORMAT_ERROR;
    }
  }
  return undefined;
}
