/**
 * Server-side printing: `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` gets a
 * meta.k8s.io/v1 Table, with kube-apiserver's columns for pods (NAME/READY/STATUS/RESTARTS/AGE)
 * and a few other built-ins, and a CRD's additionalPrinterColumns for custom resources.
 */
import type { KubeObject, PrinterColumn, ResourceDef } from './resources.ts';

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** Like k8s.io/apimachinery's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function age(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  return humanDuration(Date.now() - Date.parse(ts));
}

interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  cell: (o: KubeObject) => unknown;
}

function podStatus(p: KubeObject): string {
  let reason: string = p.status?.reason ?? p.status?.phase ?? 'Unknown';
  for (const cs of p.status?.containerStatuses ?? []) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
  }
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

const nameCol: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const ageCol: Column = { name: 'Age', type: 'string', cell: (o) => age(o.metadata.creationTimestamp) };
const count = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).length : 0);

const BUILTIN: Record<string, Column[]> = {
  '/pods': [
    nameCol,
    {
      name: 'Ready',
      type: 'string',
      cell: (p) => {
        const st: KubeObject[] = p.status?.containerStatuses ?? [];
        return `${st.filter((c) => c.ready).length}/${(p.spec?.containers ?? []).length}`;
      },
    },
    { name: 'Status', type: 'string', cell: podStatus },
    {
      name: 'Restarts',
      type: 'string',
      cell: (p) =>
        String((p.status?.containerStatuses ?? []).reduce((n: number, c: KubeObject) => n + (c.restartCount ?? 0), 0)),
    },
    ageCol,
    { name: 'IP', type: 'string', priority: 1, cell: (p) => p.status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (p) => p.spec?.nodeName ?? '<none>' },
  ],
  '/events': [
    {
      name: 'Last Seen',
      type: 'string',
      cell: (o) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp),
    },
    { name: 'Type', type: 'string', cell: (o) => o.type ?? '' },
    { name: 'Reason', type: 'string', cell: (o) => o.reason ?? '' },
    {
      name: 'Object',
      type: 'string',
      cell: (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`,
    },
    { name: 'Message', type: 'string', cell: (o) => o.message ?? '' },
  ],
  'apiextensions.k8s.io/customresourcedefinitions': [
    nameCol,
    { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp },
  ],
  '/namespaces': [nameCol, { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? '' }, ageCol],
  '/secrets': [
    nameCol,
    { name: 'Type', type: 'string', cell: (o) => o.type ?? '' },
    { name: 'Data', type: 'string', cell: (o) => String(count(o.data)) },
    ageCol,
  ],
  '/configmaps': [
    nameCol,
    { name: 'Data', type: 'string', cell: (o) => String(count(o.data) + count(o.binaryData)) },
    ageCol,
  ],
  '/nodes': [
    nameCol,
    {
      name: 'Status',
      type: 'string',
      cell: (o) =>
        (o.status?.conditions ?? []).find((c: KubeObject) => c.type === 'Ready')?.status === 'True'
          ? 'Ready'
          : 'NotReady',
    },
    { name: 'Roles', type: 'string', cell: () => '<none>' },
    ageCol,
    { name: 'Version', type: 'string', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
  ],
};

/** Evaluates the simple JSONPaths CRDs use (`.status.phase`, `.spec.x[0].y`). */
function evalPath(o: KubeObject, path: string): unknown {
  let cur: unknown = o;
  for (const part of path.replace(/^\./, '').split('.').filter(Boolean)) {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(part);
    if (!m || cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as KubeObject)[m[1]!];
    if (m[2] !== undefined) cur = Array.isArray(cur) ? cur[Number(m[2])] : undefined;
  }
  return cur;
}

function crdColumns(cols: PrinterColumn[]): Column[] {
  return [
    nameCol,
    ...cols.map((c) => {
      const col: Column = {
        name: c.name,
        type: c.type === 'date' ? 'date' : c.type,
        cell: (o: KubeObject) => {
          const v = evalPath(o, c.jsonPath);
          if (v === undefined || v === null) return null;
          if (c.type === 'date') return age(String(v));
          return typeof v === 'object' ? JSON.stringify(v) : v;
        },
      };
      if (c.priority) col.priority = c.priority;
      if (c.format) col.format = c.format;
      return col;
    }),
  ];
}

function columnsFor(def: ResourceDef): Column[] {
  if (def.custom)
    return crdColumns(def.printerColumns ?? [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }]);
  return BUILTIN[`${def.group}/${def.resource}`] ?? [nameCol, ageCol];
}

/** Builds a Table of `items` (rows carry PartialObjectMetadata, the server's default). */
export function toTable(def: ResourceDef, items: KubeObject[], listMeta: KubeObject, _isList: boolean): KubeObject {
  const cols = columnsFor(def);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.name,
      priority: c.priority ?? 0,
    })),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/** `Accept: application/json;as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1` (metadata-only clients). */
export function wantsPartial(accept: string | undefined): boolean {
  return !!accept && /as=PartialObjectMetadata/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function toPartial(o: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toPartialList(items: KubeObject[], listMeta: KubeObject): KubeObject {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    items: items.map(toPartial),
  };
}
