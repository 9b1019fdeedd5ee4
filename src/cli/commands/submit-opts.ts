/**
 * `argo submit`'s options as they change a workflow before it is created (argo's ApplySubmitOpts:
 * entrypoint, service account, priority, labels, parameters, names), the parameter file, and the
 * flag combinations argo refuses.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Workflow } from '../../engine/types.ts';
import { usageError } from '../lib/errors.ts';
import { applyParameters } from '../lib/workflow-file.ts';

/** The flags of `argosy submit`. */
export interface SubmitFlags {
  watch?: boolean;
  wait?: boolean;
  log?: boolean;
  parameter: string[];
  parameterFile?: string;
  from?: string;
  output?: string;
  generateName?: string;
  name?: string;
  entrypoint?: string;
  serviceaccount?: string;
  labels?: string;
  priority?: string;
  scheduledTime?: string;
  dryRun?: boolean;
  serverDryRun?: boolean;
  status?: string;
  nodeFieldSelector?: string;
  /** `--strict=false`: repeated YAML keys keep their last value (go-yaml's lenient reading). */
  lenientYaml?: boolean;
}

/** `a=b,c=d` as argo's ParseLabels reads it. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usageError(`expected labels of the form: NAME1=VALUE1,NAME2=VALUE2. Received: ${text}`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** `-f FILE`: a YAML/JSON map of parameter name to value, as `NAME=VALUE` strings (argo ReadParametersFile). */
export function readParameterFile(file: string): string[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw usageError(`--parameter-file ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw usageError(`--parameter-file ${file}: expected a map of parameter names to values`);
  }
  return Object.entries(doc).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
}

function parsePriority(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw usageError(`--priority ${text}: expected an int32`);
  return n;
}

/** Argo's annotation for the time a run was scheduled for: `{{workflow.scheduledTime}}` reads it. */
export const ANNOTATION_SCHEDULED_TIME = 'workflows.argoproj.io/scheduled-time';

/** Go's time.RFC3339 layout as time.Parse accepts it (fractional seconds allowed). */
function isRfc3339(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/.exec(text);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, , , zh, zm] = m.map(Number) as number[];
  const days = new Date(Date.UTC(y as number, mo as number, 0)).getUTCDate();
  const zoneOk = Number.isNaN(zh) || ((zh as number) < 24 && (zm as number) < 60);
  return mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= days && h! < 24 && mi! < 60 && s! < 60 && zoneOk;
}

/** Changes `wf` as the flags ask (argo ApplySubmitOpts); `params` already holds -p and -f. */
export function applySubmitFlags(wf: Workflow, flags: SubmitFlags, params: string[], file: string): void {
  if (flags.entrypoint) wf.spec.entrypoint = flags.entrypoint;
  if (flags.serviceaccount) wf.spec.serviceAccountName = flags.serviceaccount;
  if (flags.priority !== undefined) wf.spec.priority = parsePriority(flags.priority);
  if (flags.labels) wf.metadata.labels = { ...wf.metadata.labels, ...parseLabels(flags.labels) };
  if (flags.scheduledTime)
    wf.metadata.annotations = { ...wf.metadata.annotations, [ANNOTATION_SCHEDULED_TIME]: flags.scheduledTime };
  applyParameters(wf, params, file);
  if (flags.generateName) wf.metadata.generateName = flags.generateName;
  if (flags.name) wf.metadata.name = flags.name;
  else if (flags.generateName) delete wf.metadata.name;
}

/** The combinations argo refuses (its validateOptions), with its wording. */
export function checkSubmitFlags(flags: SubmitFlags, count: number): void {
  const refuse = (m: string) => {
    throw usageError(m, 'run `argosy submit --help` for usage');
  };
  if (flags.watch && count > 1) refuse('cannot watch more than one workflow');
  if (flags.watch && flags.wait) refuse('--wait cannot be combined with --watch');
  for (const mode of ['watch', 'wait', 'log'] as const) {
    if (flags[mode] && flags.dryRun) refuse(`--${mode} cannot be combined with --dry-run`);
    if (flags[mode] && flags.serverDryRun) refuse(`--${mode} cannot be combined with --server-dry-run`);
  }
  if (flags.dryRun && flags.serverDryRun) refuse('--dry-run cannot be combined with --server-dry-run');
  if (flags.scheduledTime !== undefined && !isRfc3339(flags.scheduledTime))
    refuse('scheduled-time contains invalid time.RFC3339 format. (e.g.: `2006-01-02T15:04:05-07:00`)');
  if ((flags.dryRun || flags.serverDryRun) && !flags.output) {
    refuse(`${flags.dryRun ? '--dry-run' : '--server-dry-run'} should have an output option`);
  }
}
