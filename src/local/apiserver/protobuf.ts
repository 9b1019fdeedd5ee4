/**
 * Kubernetes' protobuf request encoding, for the few kinds kubectl's typed clients send that way
 * (`kubectl create secret|configmap|namespace|serviceaccount|quota`, `auth can-i`, `auth whoami`). The
 * envelope is `k8s\0` + runtime.Unknown{typeMeta, raw}; the payload is decoded with field tables
 * taken from the Kubernetes generated.proto files. Other kinds answer 415 (clients then use JSON).
 */
import type { KubeObject } from './resources.ts';

type Field =
  | { n: string; t: 'string' | 'bytes' | 'bool' | 'int' }
  | { n: string; t: 'msg'; s: Schema }
  | { n: string; t: 'map'; v: MapValue }
  | { n: string; t: 'time' };
/** Map values: a string, bytes (base64 in JSON), or a resource.Quantity message (its field 1, the string). */
type MapValue = 'string' | 'bytes' | 'quantity';
interface Schema {
  [no: number]: Field & { repeated?: boolean };
}

const S = (n: string, repeated = false) => ({ n, t: 'string' as const, repeated });
const ownerRef: Schema = {
  1: S('kind'),
  3: S('name'),
  4: S('uid'),
  5: S('apiVersion'),
  6: { n: 'controller', t: 'bool' },
  7: { n: 'blockOwnerDeletion', t: 'bool' },
};
const objectMeta: Schema = {
  1: S('name'),
  2: S('generateName'),
  3: S('namespace'),
  5: S('uid'),
  6: S('resourceVersion'),
  7: { n: 'generation', t: 'int' },
  11: { n: 'labels', t: 'map', v: 'string' },
  12: { n: 'annotations', t: 'map', v: 'string' },
  13: { n: 'ownerReferences', t: 'msg', s: ownerRef, repeated: true },
  14: S('finalizers', true),
};
const meta = { n: 'metadata', t: 'msg' as const, s: objectMeta };
const localRef: Schema = { 1: S('name') };
const resourceAttributes: Schema = {
  1: S('namespace'),
  2: S('verb'),
  3: S('group'),
  4: S('version'),
  5: S('resource'),
  6: S('subresource'),
  7: S('name'),
};
const nonResourceAttributes: Schema = { 1: S('path'), 2: S('verb') };

const KINDS: Record<string, Schema> = {
  Secret: {
    1: meta,
    2: { n: 'data', t: 'map', v: 'bytes' },
    3: S('type'),
    4: { n: 'stringData', t: 'map', v: 'string' },
    5: { n: 'immutable', t: 'bool' },
  },
  ConfigMap: {
    1: meta,
    2: { n: 'data', t: 'map', v: 'string' },
    3: { n: 'binaryData', t: 'map', v: 'bytes' },
    4: { n: 'immutable', t: 'bool' },
  },
  Namespace: { 1: meta, 2: { n: 'spec', t: 'msg', s: { 1: S('finalizers', true) } } },
  ServiceAccount: {
    1: meta,
    3: { n: 'imagePullSecrets', t: 'msg', s: localRef, repeated: true },
    4: { n: 'automountServiceAccountToken', t: 'bool' },
  },
  // `kubectl create quota`.
  ResourceQuota: {
    1: meta,
    2: {
      n: 'spec',
      t: 'msg',
      // scopeSelector is kept (as {}) so that admission refuses it by name rather than it being dropped.
      s: {
        1: { n: 'hard', t: 'map', v: 'quantity' },
        2: S('scopes', true),
        3: { n: 'scopeSelector', t: 'msg', s: {} },
      },
    },
  },
  SelfSubjectAccessReview: {
    1: meta,
    2: {
      n: 'spec',
      t: 'msg',
      s: {
        1: { n: 'resourceAttributes', t: 'msg', s: resourceAttributes },
        2: { n: 'nonResourceAttributes', t: 'msg', s: nonResourceAttributes },
      },
    },
  },
  SelfSubjectRulesReview: { 1: meta, 2: { n: 'spec', t: 'msg', s: { 1: S('namespace') } } },
  SelfSubjectReview: { 1: meta },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    if (out.length !== len) throw new Error('truncated field');
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function decodeMapEntry(buf: Buffer, v: MapValue): [string, string] {
  const r = new Reader(buf);
  let key = '';
  let value = '';
  while (r.pos < buf.length) {
    const tag = Number(r.varint());
    const b = r.bytes();
    if (tag >> 3 === 1) key = b.toString('utf8');
    else if (v === 'quantity') value = String(decode(b, { 1: S('string') }).string ?? '0');
    else value = v === 'bytes' ? b.toString('base64') : b.toString('utf8');
  }
  return [key, value];
}

function decode(buf: Buffer, schema: Schema): KubeObject {
  const r = new Reader(buf);
  const out: KubeObject = {};
  while (r.pos < buf.length) {
    const tag = Number(r.varint());
    const f = schema[tag >> 3];
    const wire = tag & 7;
    if (!f) {
      r.skip(wire);
      continue;
    }
    let value: unknown;
    if (f.t === 'bool') value = r.varint() !== 0n;
    else if (f.t === 'int') value = Number(r.varint());
    else if (f.t === 'string') value = r.bytes().toString('utf8');
    else if (f.t === 'bytes') value = r.bytes().toString('base64');
    else if (f.t === 'msg') value = decode(r.bytes(), f.s);
    else if (f.t === 'map') {
      const [k, v] = decodeMapEntry(r.bytes(), f.v);
      out[f.n] = { ...(out[f.n] ?? {}), [k]: v };
      continue;
    } else {
      r.skip(wire);
      continue;
    }
    // Go marshals unset fields as zero values; JSON would omit them (omitempty).
    if (value === '' || value === 0 || value === false) continue;
    if (f.repeated) out[f.n] = [...(out[f.n] ?? []), value];
    else out[f.n] = value;
  }
  return out;
}

/** Decodes a protobuf request body; undefined when the kind is not one this server knows. */
export function decodeProtobuf(body: Buffer): KubeObject | undefined {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0')
    throw new Error('missing k8s protobuf magic');
  const unknown = decode(body.subarray(4), {
    1: { n: 'typeMeta', t: 'msg', s: { 1: S('apiVersion'), 2: S('kind') } },
    2: { n: 'raw', t: 'bytes' },
  });
  const kind: string | undefined = unknown.typeMeta?.kind;
  const schema = kind ? KINDS[kind] : undefined;
  if (!schema) return undefined;
  const obj = decode(Buffer.from(String(unknown.raw ?? ''), 'base64'), schema);
  return { apiVersion: unknown.typeMeta.apiVersion, kind, ...obj };
}
