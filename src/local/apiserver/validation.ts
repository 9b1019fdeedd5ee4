/**
 * Validation with kube-apiserver's messages: object metadata (names, labels, annotations) for
 * every kind, pod specs (validate-pod.ts), secret/configmap keys, custom resources against their
 * CRD schema, and pod spec immutability. Each failure is a 422 Invalid Status listing causes, as
 * clients (kubectl's error printer, client libraries) expect; what fails while decoding (a
 * malformed quantity) is a 400, as on a real server.
 */
import { invalidEach, isConfigMapKey } from './field-errors.ts';
import type { KubeObject, ResourceDef } from './resources.ts';
import { validateAgainstSchema } from './crd-schema.ts';
import { type StatusCause, badRequest, invalid } from './status.ts';
import { metaCauses } from './validate-meta.ts';
import { podDecodeError, podSpecCauses } from './validate-pod.ts';
import { checkClaimDecodes, claimSpecCauses } from './validate-claim.ts';

function keyCauses(object: KubeObject, field: 'data' | 'stringData' | 'binaryData'): StatusCause[] {
  const map = object[field];
  if (!map || typeof map !== 'object') return [];
  return Object.keys(map).flatMap((k) => invalidEach(`${field}[${k}]`, k, isConfigMapKey(k)));
}

function isCoreKind(def: ResourceDef, resource: string): boolean {
  return !def.custom && def.group === '' && def.resource === resource;
}

/** Throws what a real server answers for a body its Go types cannot hold (400 BadRequest). */
function checkDecodes(def: ResourceDef, object: KubeObject): void {
  if (isCoreKind(def, 'persistentvolumeclaims')) checkClaimDecodes(object);
  const problem = isCoreKind(def, 'pods') ? podDecodeError(object) : undefined;
  if (!problem) return;
  const version = String(object.apiVersion ?? 'v1')
    .split('/')
    .pop();
  throw badRequest(`${def.kind} in version "${version}" cannot be handled as a ${def.kind}: ${problem}`);
}

/** Validates an object about to be stored; throws 400 (undecodable) or 422 Invalid. */
export function validateObject(def: ResourceDef, object: KubeObject): void {
  checkDecodes(def, object);
  const name: string = object.metadata?.name ?? '';
  const causes = metaCauses(def, object);
  if (isCoreKind(def, 'pods')) causes.push(...podSpecCauses(object));
  if (isCoreKind(def, 'persistentvolumeclaims')) causes.push(...claimSpecCauses(object));
  if (isCoreKind(def, 'secrets') || isCoreKind(def, 'configmaps')) {
    causes.push(...keyCauses(object, 'data'), ...keyCauses(object, 'stringData'), ...keyCauses(object, 'binaryData'));
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
