/**
 * `argo get` output: header lines (`%-20s %v`), a blank line, then the tab-aligned node table with
 * the tree in the STEP column. Argosy adds one thing: a CLUSTER column (`cluster/namespace`) that
 * appears only when some pod ran outside the main cluster or the workflow's namespace, so single-
 * cluster workflows print exactly what argo prints.
 */
import { isWorkflowSuspended } from '../../engine/suspend/resume.ts';
import type { NodeStatus, Workflow } from '../../engine/types.ts';
import { fnv32a, podNameFor, podNameVersion, templateOfNode } from './pod-name.ts';
import { conditionIcon, paint, phaseIcon, suspendIcon, visibleWidth, type RenderStyle } from './style.ts';
import { alignColumns } from './table.ts';
import { artifactLocationText, artifactNames } from './artifact-text.ts';
import { humanizeDuration } from '../../engine/retry/durations.ts';
import { goDuration, parseTime, parseTimeMs, shortDurationMs, timestamp } from './time.ts';
import { treeLines, type NodeFilter } from './tree.ts';

/** What the renderer needs besides the workflow. */
export interface RenderOptions {
  style: RenderStyle;
  now: Date;
  /** `wide` adds ARTIFACTS, RESOURCESDURATION and NODENAME; `short` adds NODENAME. */
  output?: 'default' | 'wide' | 'short';
  /** The main cluster's name (where the Workflow lives); pods elsewhere get a CLUSTER cell. */
  mainCluster?: string;
  /** Fixed UTC offset for timestamps (tests); default: the local zone. */
  utcOffsetMinutes?: number;
  /** Only nodes this accepts are printed (`--node-field-selector`, `--status`). */
  nodeFilter?: NodeFilter;
}

// Go's `%-20s %v`, padded by visible width so a coloured condition icon does not shift the column.
const row = (label: string, value: string): string =>
  `${label}${' '.repeat(Math.max(0, 20 - visibleWidth(label)))} ${value}`;

/** argo `WorkflowStatus`: `Running (Suspended)`, `Failed (Terminated)`, `Pending`/`Unknown`. */
export function workflowStatusText(wf: Workflow): string {
  const phase = wf.status?.phase ?? '';
  if (phase === 'Running') return isWorkflowSuspended(wf) ? 'Running (Suspended)' : phase;
  if (phase === 'Failed') return wf.spec.shutdown ? 'Failed (Terminated)' : phase;
  if (phase === '' || phase === 'Pending') return wf.metadata.creationTimestamp ? 'Pending' : 'Unknown';
  return phase;
}

/** argo `ResourcesDuration.String()`: `1s*(1 cpu),5s*(100Mi memory)`, sorted. */
export function resourcesDurationText(rd: Record<string, number> | undefined): string {
  // argo ResourceQuantityDenominator: 100Mi of memory, 10Gi of (ephemeral) storage, 1 of anything else.
  const denominators: Record<string, string> = { memory: '100Mi', storage: '10Gi', 'ephemeral-storage': '10Gi' };
  return Object.entries(rd ?? {})
    .map(([name, secs]) => `${goDuration(secs)}*(${denominators[name] ?? '1'} ${name})`)
    .sort()
    .join(',');
}

/** The header block of `argo get`. */
export function renderHeader(wf: Workflow, opts: RenderOptions): string[] {
  const { now, style, utcOffsetMinutes: off } = opts;
  const st = wf.status ?? {};
  const lines = [row('Name:', wf.metadata.name ?? ''), row('Namespace:', wf.metadata.namespace ?? '')];
  const sa = wf.spec.serviceAccountName;
  const unset = wf.spec.workflowTemplateRef ? 'unset' : 'unset (will run with the default ServiceAccount)';
  lines.push(row('ServiceAccount:', sa || unset), row('Status:', workflowStatusText(wf)));
  if (st.message) lines.push(row('Message:', st.message));
  if (st.conditions?.length) {
    lines.push(row('Conditions:', ''));
    for (const c of st.conditions) lines.push(row(`${conditionIcon(style, c.type)} ${c.type}`, c.message || c.status));
  }
  const created = parseTime(wf.metadata.creationTimestamp);
  const started = parseTime(st.startedAt);
  const finished = parseTime(st.finishedAt);
  lines.push(row('Created:', created ? timestamp(created, now, off) : ''));
  if (started) lines.push(row('Started:', timestamp(started, now, off)));
  if (finished) lines.push(row('Finished:', timestamp(finished, now, off)));
  if (started) lines.push(row('Duration:', humanizeDuration((finished ?? now).getTime() - started.getTime())));
  if (st.phase === 'Running' && (st.estimatedDuration ?? 0) > 0) {
    lines.push(row('EstimatedDuration:', humanizeDuration((st.estimatedDuration ?? 0) * 1000)));
  }
  lines.push(row('Progress:', st.progress ?? ''));
  const rd = resourcesDurationText(st.resourcesDuration);
  if (rd) lines.push(row('ResourcesDuration:', rd));
  const params = wf.spec.arguments?.parameters ?? [];
  if (params.length) {
    lines.push(row('Parameters:', ''));
    for (const p of params) if (p.value !== undefined) lines.push(row(`  ${p.name}:`, p.value));
  }
  const outParams = st.outputs?.parameters ?? [];
  if (outParams.length) {
    lines.push(row('Output Parameters:', ''));
    for (const p of outParams) if (p.value !== undefined) lines.push(row(`  ${p.name}:`, p.value));
  }
  const outArts = st.outputs?.artifacts ?? [];
  if (outArts.length) {
    lines.push(row('Output Artifacts:', ''));
    for (const a of outArts) {
      const text = artifactLocationText(a);
      if (text !== undefined) lines.push(row(`  ${a.name}:`, text));
    }
  }
  return lines;
}

/**
 * Where a node's pod ran, as `cluster/namespace`, or '' when it is the main cluster and the
 * workflow's namespace: the place the engine recorded in the node when it created it (fields set
 * only when different). Never the template's fields: they may be templated (`{{inputs.parameters.c}}`)
 * or edited since.
 */
export function placementOf(wf: Workflow, node: NodeStatus, mainCluster: string): string {
  const wfNs = wf.metadata.namespace ?? '';
  const cluster = node.clusterName || mainCluster;
  const ns = node.namespace || wfNs;
  return cluster === mainCluster && ns === wfNs ? '' : `${cluster}/${ns}`;
}

const isPodNode = (n: NodeStatus): boolean => n.type === 'Pod';

function templateCell(node: NodeStatus): string {
  return node.templateRef ? `${node.templateRef.name}/${node.templateRef.template}` : (node.templateName ?? '');
}

function isActiveSuspend(n: NodeStatus): boolean {
  return n.type === 'Suspend' && n.phase === 'Running';
}

/**
 * The node table's cells, header first, before alignment, column by column (`[column][row]`): one
 * row per printed node, each cell as argo's printNode writes it between tabs (the first cell carries
 * the tree prefix). An empty row separates the onExit tree.
 */
export function tableColumns(wf: Workflow, opts: RenderOptions): string[][] {
  const { style } = opts;
  const output = opts.output ?? 'default';
  const main = opts.mainCluster ?? 'main';
  const name = wf.metadata.name ?? '';
  const lines = treeLines(wf, `${name}-${fnv32a(`${name}.onExit`)}`, style, opts.nodeFilter);
  const showWhere = lines.some((l) => isPodNode(l.node) && placementOf(wf, l.node, main) !== '');
  // argo colours the STEP header with a no-op SGR to keep its tabwriter aligned; we measure visible width.
  const head = [paint(style, 'default', 'STEP'), 'TEMPLATE', 'PODNAME', ...(showWhere ? ['CLUSTER'] : []), 'DURATION'];
  if (output === 'wide') head.push('ARTIFACTS', 'MESSAGE', 'RESOURCESDURATION', 'NODENAME');
  else if (output === 'short') head.push('MESSAGE', 'NODENAME');
  else head.push('MESSAGE');
  const columns = head.map((h) => [h]);
  const cellOpts = { ...opts, output };
  const where = showWhere ? main : undefined;
  for (const { prefix, node, exitTreeStart } of lines) {
    if (exitTreeStart) for (const col of columns) col.push('');
    const cells = nodeCells(wf, node, prefix, cellOpts, where);
    for (let c = 0; c < columns.length; c++) columns[c]!.push(cells[c]!);
  }
  return columns;
}

/** One node's cells, as argo's printNode writes them; `where`: the main cluster when the CLUSTER column is shown. */
export function nodeCells(
  wf: Workflow,
  node: NodeStatus,
  prefix: string,
  opts: RenderOptions,
  where?: string,
): string[] {
  const { style, now, output } = opts;
  const name = wf.metadata.name ?? '';
  const icon = isActiveSuspend(node) ? suspendIcon(style) : phaseIcon(style, node.phase);
  const pod = isPodNode(node);
  const start = pod ? parseTimeMs(node.startedAt) : undefined;
  const podName = pod ? podNameFor(name, node, templateOfNode(node), podNameVersion(wf)) : '';
  const end = start === undefined ? undefined : (parseTimeMs(node.finishedAt) ?? now.getTime());
  const duration = start === undefined ? '' : shortDurationMs(Math.max(0, end! - start));
  const host = pod ? (node.hostNodeName ?? '') : '';
  const message = node.message ?? '';
  // One array of the final length (a literal grown by push reserves ~20 slots per row).
  const cells = new Array<string>((where === undefined ? 4 : 5) + (output === 'wide' ? 4 : 2));
  let i = 0;
  cells[i++] = `${prefix}${icon} ${node.displayName ?? node.name}`;
  cells[i++] = templateCell(node);
  cells[i++] = podName;
  if (where !== undefined) cells[i++] = pod ? placementOf(wf, node, where) : '';
  cells[i++] = duration;
  if (output === 'wide') {
    cells[i++] = artifactNames(node.outputs?.artifacts);
    cells[i++] = message;
    cells[i++] = resourcesDurationText(node.resourcesDuration);
  } else cells[i++] = message;
  cells[i] = output === 'wide' || output === 'short' ? host : '';
  return cells;
}

/** The node table (header row + one row per printed node), aligned. */
export function renderTable(wf: Workflow, opts: RenderOptions): string[] {
  return alignColumns(tableColumns(wf, opts));
}

/**
 * The whole `argo get` text (header, blank line, table) without a trailing newline. `-o short` is
 * only the table, as argo prints it.
 */
export function renderWorkflow(wf: Workflow, opts: RenderOptions): string {
  const header = renderHeader(wf, opts);
  if (!wf.status?.nodes?.[wf.metadata.name ?? '']) return header.join('\n');
  const table = renderTable(wf, opts);
  return (opts.output === 'short' ? table : [...header, '', ...table]).join('\n');
}
