/**
 * CustomResourceDefinitions: turning a CRD object into a served resource (versions, scope, names,
 * status subresource, printer columns, schema), and the status kube-apiserver
 * writes on a CRD once its names are accepted (clients wait for `Established`).
 */
import type { KubeObject, PrinterColumn, ResourceDef } from './resources.ts';
import { type StatusCause, invalid } from './status.ts';

/** Validates the parts of a CRD the server relies on; throws 422 like the real one. */
export function validateCrd(crd: KubeObject): void {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const causes: StatusCause[] = [];
  const req = (field: string) => causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
  if (!spec.group) req('spec.group');
  if (!names.plural) req('spec.names.plural');
  if (!names.kind) req('spec.names.kind');
  if (!['Namespaced', 'Cluster'].includes(spec.scope)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${spec.scope ?? ''}": supported values: "Cluster", "Namespaced"`,
      field: 'spec.scope',
    });
  }
  if (!Array.isArray(spec.versions) || spec.versions.length === 0) req('spec.versions');
  const expected = `${names.plural}.${spec.group}`;
  if (names.plural && spec.group && crd.metadata?.name !== expected) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${crd.metadata?.name}": must be spec.names.plural+"."+spec.group`,
      field: 'metadata.name',
    });
  }
  if (causes.length)
    throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', crd.metadata?.name ?? '', causes);
}

/** The resource a CRD serves. */
export function defFromCrd(crd: KubeObject): ResourceDef {
  const spec = crd.spec;
  const versions: KubeObject[] = (spec.versions ?? []).filter((v: KubeObject) => v.served !== false);
  const storage = versions.find((v) => v.storage) ?? versions[0] ?? {};
  const ordered = [storage, ...versions.filter((v) => v !== storage)].map((v) => String(v.name));
  const subresources: string[] = [];
  if (storage.subresources?.status !== undefined) subresources.push('status');
  if (storage.subresources?.scale !== undefined) subresources.push('scale');
  const names = spec.names;
  const def: ResourceDef = {
    group: spec.group,
    versions: ordered,
    resource: names.plural,
    singular: names.singular ?? String(names.kind).toLowerCase(),
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    namespaced: spec.scope === 'Namespaced',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    subresources,
    custom: true,
  };
  const columns: PrinterColumn[] | undefined = storage.additionalPrinterColumns;
  if (columns) def.printerColumns = columns;
  const schema = storage.schema?.openAPIV3Schema;
  if (schema && typeof schema === 'object') def.schema = schema;
  return def;
}

/** Status a CRD gets once served: names accepted, established. */
export function crdStatus(crd: KubeObject, now: string): KubeObject {
  const names = crd.spec?.names ?? {};
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: {
      plural: names.plural,
      singular: names.singular ?? String(names.kind ?? '').toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      ...(names.categories ? { categories: names.categories } : {}),
    },
    storedVersions: (crd.spec?.versions ?? []).filter((v: KubeObject) => v.storage).map((v: KubeObject) => v.name),
  };
}
