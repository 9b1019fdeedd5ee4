/**
 * The structural-schema part of CRD handling: validation of custom resources against the version's
 * `openAPIV3Schema` (type, required, enum, nullable, items, properties, additionalProperties) with
 * kube-apiserver's messages, and pruning of fields the schema does not declare (unless
 * `x-kubernetes-preserve-unknown-fields`). `metadata`, `apiVersion` and `kind` are never pruned.
 */
import type { KubeObject } from './resources.ts';
import { META } from './builtin-fields.ts';
import type { StatusCause } from './status.ts';

type Schema = KubeObject;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, type: string): boolean {
  const t = typeOf(v);
  if (type === 'number') return t === 'number' || t === 'integer';
  return t === type;
}

function shown(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : JSON.stringify(v);
}

/** Validates `value` at `path`; returns causes in the real server's wording. */
export function validateAgainstSchema(value: unknown, schema: Schema | undefined, path: string): StatusCause[] {
  if (!schema || schema['x-kubernetes-int-or-string']) return [];
  if (value === null) {
    return schema.nullable || !schema.type
      ? []
      : [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: "null": ${path} in body must be of type ${schema.type}: "null"`,
            field: path,
          },
        ];
  }
  if (schema.type && !typeMatches(value, schema.type)) {
    const t = typeOf(value);
    return [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${t}": ${path} in body must be of type ${schema.type}: "${t}"`,
        field: path,
      },
    ];
  }
  const causes: StatusCause[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) {
    const supported = schema.enum.map(shown).join(', ');
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${shown(value)}: supported values: ${supported}`,
      field: path,
    });
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => causes.push(...validateAgainstSchema(item, schema.items, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const obj = value as KubeObject;
    for (const r of schema.required ?? []) {
      if (obj[r] === undefined)
        causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: path ? `${path}.${r}` : r });
    }
    for (const [k, v] of Object.entries(obj)) {
      const sub =
        schema.properties?.[k] ??
        (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      const p = path ? `${path}.${k}` : k;
      if (!path && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
      causes.push(...validateAgainstSchema(v, sub, p));
    }
  }
  return causes;
}

/** Drops fields the schema does not declare; returns a pruned copy. */
export function prune(value: unknown, schema: Schema | undefined, isRoot = false): unknown {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return value;
  if (Array.isArray(value)) return value.map((v) => prune(v, schema.items));
  if (typeOf(value) !== 'object') return value;
  const out: KubeObject = {};
  for (const [k, v] of Object.entries(value as KubeObject)) {
    if (isRoot && (k === 'apiVersion' || k === 'kind')) out[k] = v;
    else if (isRoot && k === 'metadata') out[k] = prune(v, META);
    else if (schema.properties?.[k]) out[k] = prune(v, schema.properties[k]);
    else if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
      out[k] = prune(v, schema.additionalProperties);
    else if (schema.additionalProperties === true) out[k] = v;
  }
  return out;
}

/** Paths (`spec.containers[0].foo`) of the fields {@link prune} would drop. */
export function unknownFields(value: unknown, schema: Schema | undefined, path = ''): string[] {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, schema.items, `${path}[${i}]`));
  if (typeOf(value) !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as KubeObject)) {
    const p = path ? `${path}.${k}` : k;
    if (!path && (k === 'apiVersion' || k === 'kind')) continue;
    if (!path && k === 'metadata') {
      out.push(...unknownFields(v, META, p));
      continue;
    }
    const sub =
      schema.properties?.[k] ??
      (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (sub) out.push(...unknownFields(v, sub, p));
    else if (schema.additionalProperties !== true) out.push(p);
  }
  return out;
}
