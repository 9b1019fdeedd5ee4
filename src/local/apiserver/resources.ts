/**
 * The resource registry: which group/version/resource triples a cluster serves, with the metadata
 * discovery, RBAC messages, OpenAPI and Table output need. Built-ins are declared here as data;
 * custom resources are added and removed as CRDs come and go (crds.ts).
 */

/** A JSON object as stored (kept loose on purpose: the server stores what clients send). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = Record<string, any>;

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface ResourceDef {
  group: string;
  /** Every served version; the first is the storage/preferred version. */
  versions: string[];
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served, e.g. `status`, `log`, `binding`. */
  subresources: string[];
  /** CRDs only: additionalPrinterColumns of the storage version. */
  printerColumns?: PrinterColumn[];
  /** CRDs only: the storage version's openAPIV3Schema (validation and pruning). */
  schema?: KubeObject;
  /** True for custom resources (JSON merge patch only, generation always tracked). */
  custom: boolean;
}

/** Storage key of a resource: `group/resource` (core group is ''). */
export function resourceKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

export function apiVersionOf(def: ResourceDef, version = def.versions[0]): string {
  return def.group ? `${def.group}/${version}` : `${version}`;
}

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const READ_CREATE = ['create', 'get', 'list', 'watch'];

function core(resource: string, kind: string, namespaced: boolean, extra: Partial<ResourceDef> = {}): ResourceDef {
  return {
    group: '',
    versions: ['v1'],
    resource,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    shortNames: [],
    categories: [],
    verbs: ALL,
    subresources: [],
    custom: false,
    ...extra,
  };
}

/** The built-in resources every local cluster serves. */
export function builtinResources(): ResourceDef[] {
  return [
    core('namespaces', 'Namespace', false, {
      shortNames: ['ns'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: ['status', 'finalize'],
    }),
    core('pods', 'Pod', true, { shortNames: ['po'], categories: ['all'], subresources: ['status', 'log', 'binding'] }),
    core('secrets', 'Secret', true),
    core('configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
    // Bound by the node's claim binder (src/local/kubelet/claim-binder.ts), a minimal provisioner.
    core('persistentvolumeclaims', 'PersistentVolumeClaim', true, { shortNames: ['pvc'], subresources: ['status'] }),
    core('serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
    // Enforced on create by the ResourceQuota admission plugin (quota.ts).
    core('resourcequotas', 'ResourceQuota', true, { shortNames: ['quota'], subresources: ['status'] }),
    core('events', 'Event', true, { shortNames: ['ev'] }),
    core('nodes', 'Node', false, { shortNames: ['no'], subresources: ['status'] }),
    {
      ...core('leases', 'Lease', true),
      group: 'coordination.k8s.io',
    },
    {
      // Run by the local Job controller (src/local/kubelet/job-controller.ts): resource templates drive Jobs.
      ...core('jobs', 'Job', true, { categories: ['all'], subresources: ['status'] }),
      group: 'batch',
    },
    {
      ...core('events', 'Event', true, { shortNames: ['ev'] }),
      group: 'events.k8s.io',
    },
    {
      ...core('customresourcedefinitions', 'CustomResourceDefinition', false, {
        shortNames: ['crd', 'crds'],
        categories: ['api-extensions'],
        subresources: ['status'],
      }),
      group: 'apiextensions.k8s.io',
    },
    {
      ...core('selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, { verbs: ['create'] }),
      group: 'authorization.k8s.io',
    },
    {
      ...core('selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, { verbs: ['create'] }),
      group: 'authorization.k8s.io',
    },
    {
      ...core('selfsubjectreviews', 'SelfSubjectReview', false, { verbs: ['create'] }),
      group: 'authentication.k8s.io',
    },
  ];
}

/** Resources that are answered, never stored (reviews). */
export function isVirtual(def: ResourceDef): boolean {
  return def.group === 'authorization.k8s.io' || def.group === 'authentication.k8s.io';
}

/** Versions of built-in groups other than core. */
export const GROUP_VERSIONS: Record<string, string> = {
  'coordination.k8s.io': 'v1',
  batch: 'v1',
  'events.k8s.io': 'v1',
  'apiextensions.k8s.io': 'v1',
  'authorization.k8s.io': 'v1',
  'authentication.k8s.io': 'v1',
};

export { READ_CREATE };
