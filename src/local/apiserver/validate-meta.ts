/**
 * ObjectMeta validation every kind goes through (custom resources too): the name, label keys and
 * values, annotation keys and their total size, with apimachinery's field paths and messages.
 */
import {
  invalidEach,
  isDns1123Label,
  isDns1123Subdomain,
  isLabelValue,
  isQualifiedName,
  tooLongCause,
} from './field-errors.ts';
import type { KubeObject, ResourceDef } from './resources.ts';
import type { StatusCause } from './status.ts';

/** `TotalAnnotationSizeLimitB`: keys plus values, in bytes. */
export const TOTAL_ANNOTATION_BYTES = 256 * 1024;

/** Name check: namespaces are DNS labels (63), everything else DNS subdomains (253). */
export function nameCauses(def: ResourceDef, name: string): StatusCause[] {
  const isLabel = def.resource === 'namespaces' && def.group === '';
  const errs = isLabel ? isDns1123Label(name) : isDns1123Subdomain(name);
  return invalidEach('metadata.name', name, errs);
}

function stringMap(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function labelCauses(labels: unknown, field = 'metadata.labels'): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(stringMap(labels))) {
    causes.push(...invalidEach(field, k, isQualifiedName(k)));
    causes.push(...invalidEach(field, String(v ?? ''), isLabelValue(String(v ?? ''))));
  }
  return causes;
}

export function annotationCauses(annotations: unknown, field = 'metadata.annotations'): StatusCause[] {
  const causes: StatusCause[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(stringMap(annotations))) {
    // Case does not matter in annotation keys: the real check lower-cases first.
    causes.push(...invalidEach(field, k, isQualifiedName(k.toLowerCase())));
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  }
  if (total > TOTAL_ANNOTATION_BYTES) causes.push(tooLongCause(field, TOTAL_ANNOTATION_BYTES));
  return causes;
}

/** Name, labels and annotations of any object. */
export function metaCauses(def: ResourceDef, object: KubeObject): StatusCause[] {
  const meta = object.metadata ?? {};
  return [
    ...nameCauses(def, String(meta.name ?? '')),
    ...labelCauses(meta.labels),
    ...annotationCauses(meta.annotations),
  ];
}
