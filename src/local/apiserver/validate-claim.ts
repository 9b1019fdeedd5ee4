/**
 * PersistentVolumeClaims as kube-apiserver validates them (`ValidatePersistentVolumeClaim`, its update
 * rule) and defaults them: access modes, the storage request, and a spec that is immutable once
 * created except for a larger storage request and the binder setting `volumeName` once. Create also
 * adds the `kubernetes.io/pvc-protection` finalizer (the StorageObjectInUseProtection admission plugin).
 */
import { forbiddenCause, invalidCause, notSupportedCause, requiredCause } from './field-errors.ts';
import { formatQuantity, isNegative, parseQuantity } from '../../engine/quantity.ts';
import type { KubeObject } from './resources.ts';
import { type StatusCause, badRequest, invalid } from './status.ts';
import { QUANTITY_FORMAT_ERROR } from '../../engine/quantity.ts';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];
/** The finalizer kube-apiserver adds to every claim. */
export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';

/** Throws the decoder's 400 for a storage request that is not a quantity. */
export function checkClaimDecodes(claim: KubeObject): void {
  const raw = claim.spec?.resources?.requests?.storage;
  if (raw !== undefined && !parseQuantity(raw))
    throw badRequest(
      `PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: ${QUANTITY_FORMAT_ERROR}`,
    );
}

/** The validation causes of a claim's spec. */
export function claimSpecCauses(claim: KubeObject): StatusCause[] {
  const spec: KubeObject = claim.spec ?? {};
  const causes: StatusCause[] = [];
  const modes: unknown[] = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (modes.length === 0) causes.push(requiredCause('spec.accessModes', 'at least 1 access mode is required'));
  for (const m of modes)
    if (!ACCESS_MODES.includes(String(m))) causes.push(notSupportedCause('spec.accessModes', m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1)
    causes.push(forbiddenCause('spec.accessModes', 'may not use ReadWriteOncePod with other access modes'));
  const storage = spec.resources?.requests?.storage;
  const q = storage === undefined ? undefined : parseQuantity(storage);
  if (storage === undefined) causes.push(requiredCause('spec.resources[storage]'));
  else if (q && (isNegative(q) || q.mantissa === 0n))
    causes.push(invalidCause('spec.resources[storage]', formatQuantity(q), 'must be greater than zero'));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(String(spec.volumeMode)))
    causes.push(notSupportedCause('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
  return causes;
}

/** Create-time defaults: volumeMode Filesystem, the protection finalizer, a Pending status. */
export function defaultClaim(claim: KubeObject): KubeObject {
  const finalizers: string[] = claim.metadata?.finalizers ?? [];
  return {
    ...claim,
    metadata: {
      ...claim.metadata,
      finalizers: finalizers.includes(PVC_PROTECTION) ? finalizers : [...finalizers, PVC_PROTECTION],
    },
    spec: { volumeMode: 'Filesystem', ...(claim.spec ?? {}) },
    status: { phase: 'Pending' },
  };
}

/** The update rule: the spec may not change, except a storage request and the binder's volumeName. */
export function validateClaimUpdate(old: KubeObject, next: KubeObject): void {
  const comparable = (spec: KubeObject | undefined, volumeName: unknown): string => {
    const s = structuredClone(spec ?? {});
    if (s.resources?.requests) delete s.resources.requests.storage;
    if (!old.spec?.volumeName) s.volumeName = volumeName;
    return JSON.stringify(s);
  };
  if (comparable(old.spec, undefined) === comparable(next.spec, undefined)) return;
  throw invalid('PersistentVolumeClaim', '', next.metadata.name, [
    forbiddenCause(
      'spec',
      'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    ),
  ]);
}
