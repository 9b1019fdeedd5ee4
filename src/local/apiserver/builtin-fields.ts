/**
 * The fields kube-apiserver's Go types know for the built-ins clients write here (Pod, Secret,
 * ConfigMap, Namespace, ServiceAccount), as schemas for crd-schema.ts's pruning walkers. A real
 * server drops unknown fields while decoding and reports them per `fieldValidation`
 * (Strict ⇒ 400, Warn ⇒ `Warning` header, Ignore); without these tables a typo would be stored.
 * Values are not checked: leaves accept anything.
 */
import type { KubeObject } from './resources.ts';

type Schema = KubeObject;

const ANY: Schema = { 'x-kubernetes-preserve-unknown-fields': true };

function fields(names: string[], nested: Record<string, Schema> = {}): Schema {
  return { properties: Object.fromEntries(names.map((n) => [n, nested[n] ?? ANY])) };
}

const list = (items: Schema): Schema => ({ items });

/** ObjectMeta: a real server decodes every object's metadata into it (custom resources too). */
export const META = fields([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const CONTAINER = fields([
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
]);

const POD_SPEC = fields(
  [
    'volumes',
    'initContainers',
    'containers',
    'ephemeralContainers',
    'restartPolicy',
    'terminationGracePeriodSeconds',
    'activeDeadlineSeconds',
    'dnsPolicy',
    'nodeSelector',
    'serviceAccountName',
    'serviceAccount',
    'automountServiceAccountToken',
    'nodeName',
    'hostNetwork',
    'hostPID',
    'hostIPC',
    'shareProcessNamespace',
    'securityContext',
    'imagePullSecrets',
    'hostname',
    'subdomain',
    'affinity',
    'schedulerName',
    'tolerations',
    'hostAliases',
    'priorityClassName',
    'priority',
    'dnsConfig',
    'readinessGates',
    'runtimeClassName',
    'enableServiceLinks',
    'preemptionPolicy',
    'overhead',
    'topologySpreadConstraints',
    'setHostnameAsFQDN',
    'os',
    'hostUsers',
    'schedulingGates',
    'resourceClaims',
    'resources',
  ],
  { containers: list(CONTAINER), initContainers: list(CONTAINER) },
);

const TOP = ['apiVersion', 'kind', 'metadata'];

/** Known-field schemas by resource key (`group/resource`). */
export const BUILTIN_FIELDS: Record<string, Schema> = {
  '/pods': fields([...TOP, 'spec', 'status'], { metadata: META, spec: POD_SPEC }),
  '/secrets': fields([...TOP, 'immutable', 'data', 'stringData', 'type'], { metadata: META }),
  '/configmaps': fields([...TOP, 'immutable', 'data', 'binaryData'], { metadata: META }),
  '/namespaces': fields([...TOP, 'spec', 'status'], { metadata: META }),
  '/resourcequotas': fields([...TOP, 'spec', 'status'], { metadata: META }),
  '/serviceaccounts': fields([...TOP, 'secrets', 'imagePullSecrets', 'automountServiceAccountToken'], {
    metadata: META,
  }),
};
