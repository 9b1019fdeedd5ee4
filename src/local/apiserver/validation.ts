/**
 * Validation with kube-apiserver's messages: DNS-1123 names, secret/configmap keys, required pod
 * fields, custom resources against their CRD schema, and pod spec immutability. Each failure is a 422 Invalid
 * Status listing causes, as clients (kubectl's error printer, client libraries) expect.
 */
import type { KubeObject, ResourceDef } from './resources.ts';
import { validateAgainstSchema } from './crd-schema.ts';
import { type StatusCause, invalid } from './status.ts';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
  "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and " +
  "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or " +
  "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/** Name check: namespaces are DNS labels (63), everything else DNS subdomains (253). */
export function nameCauses(def: ResourceDef, name: string): StatusCause[] {
  const isLabel = def.resource === 'namespaces' && def.group === '';
  const ok = isLabel ? LABEL.test(name) && name.length <= 63 : SUBDOMAIN.test(name) && name.length <= 253;
  if (ok) return [];
  return [
    {
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${name}": ${isLabel ? LABEL_MSG : SUBDOMAIN_MSG}`,
      field: 'metadata.name',
    },
  ];
}

function required(field: string): StatusCause {
  return { reason: 'FieldValueRequired', message: 'Required value', field };
}

function keyCauses(object: KubeObject, field: 'data' | 'stringData' | 'binaryData'): StatusCause[] {
  const map = object[field];
  if (!map || typeof map !== 'object') return [];
  return Object.keys(map)
    .filter((k) => !CONFIG_KEY.test(k))
    .map((k) => ({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${k}": ${KEY_MSG}`,
      field: `${field}[${k}]`,
    }));
}

function containerCauses(list: unknown, path: string, seen: Set<string>): StatusCause[] {
  if (!Array.isArray(list)) return [];
  const causes: StatusCause[] = [];
  list.forEach((c: KubeObject, i) => {
    if (!c || typeof c !== 'object') return;
    if (c.name && seen.has(c.name)) {
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: "${c.name}"`,
        field: `${path}[${i}].name`,
      });
    }
    if (c.name) seen.add(c.name);
    if (!c.name) causes.push(required(`${path}[${i}].name`));
    else if (!LABEL.test(c.name)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${c.name}": ${LABEL_MSG}`,
        field: `${path}[${i}].name`,
      });
    }
    if (!c.image) causes.push(required(`${path}[${i}].image`));
  });
  return causes;
}

function podCauses(pod: KubeObject): StatusCause[] {
  const spec = pod.spec;
  if (!spec || typeof spec !== 'object') return [required('spec.containers')];
  const causes: StatusCause[] = [];
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) causes.push(required('spec.containers'));
  const names = new Set<string>();
  causes.push(...containerCauses(spec.initContainers, 'spec.initContainers', names));
  causes.push(...containerCauses(spec.containers, 'spec.containers', names));
  const rp = spec.restartPolicy;
  if (rp !== undefined && !['Always', 'OnFailure', 'Never'].includes(rp)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${rp}": supported values: "Always", "OnFailure", "Never"`,
      field: 'spec.restartPolicy',
    });
  }
  return causes;
}

/** Validates an object about to be stored; throws 422 Invalid. */
export function validateObject(def: ResourceDef, object: KubeObject): void {
  const name: string = object.metadata?.name ?? '';
  const causes = nameCauses(def, name);
  if (!def.custom && def.group === '') {
    if (def.resource === 'pods') causes.push(...podCauses(object));
    if (def.resource === 'secrets' || def.resource === 'configmaps') {
      causes.push(...keyCauses(object, 'data'), ...keyCauses(object, 'stringData'), ...keyCauses(object, 'binaryData'));
    }
  }
  if (def.schema) causes.push(...validateAgainstSchema(object, def.schema, ''));
  if (causes.length) throw invalid(def.kind, def.group, name, causes);
}

/** Pod spec fields a PUT/PATCH may change (kube-apiserver rejects other spec changes). */
export function validatePodUpdate(oldPod: KubeObject, newPod: KubeObject): void {
  const strip = (spec: KubeObject | undefined): string => {
    const s = structuredClone(spec ?? {});
    delete s.activeDeadlineSeconds;
    delete s.tolerations;
    delete s.terminationGracePeriodSeconds;
    for (const list of [s.containers, s.initContainers]) {
      if (Array.isArray(list)) for (const c of list) if (c && typeof c === 'object') delete c.image;
    }
    return JSON.stringify(s);
  };
  if (strip(oldPod.spec) === strip(newPod.spec)) return;
  throw invalid('Pod', '', newPod.metadata.name, [
    {
      reason: 'FieldValueForbidden',
      message:
        'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,' +
        '`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
        '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      field: 'spec',
    },
  ]);
}
