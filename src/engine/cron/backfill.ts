/**
 * What `argo cron backfill` creates (Argo v4.1's cmd/argo/commands/cron/backfill.go), as pure
 * functions: the scheduled times of a window, the Workflow each time runs (argo's
 * `ConvertCronWorkflowToWorkflow`: the CronWorkflow's workflowSpec, its cron-workflow label, instance
 * id, workflowMetadata and owner reference, `generateName: <cron>-backfill-<name>-`, the time as the
 * `--argname` argument, and — unless `--parallel` — highest priority and a mutex named after the
 * backfill so the runs go one at a time), and the monitor workflows (`generateName: backfill-wf-`,
 * label `workflows.argoproj.io/backfill: <cron>`) whose resource template creates one such Workflow
 * per time and waits for it to succeed, at most `--maxworkflowcount` times per monitor.
 */
import { stringify } from 'yaml';
import type { Workflow } from '../types.ts';
import { ANNOTATION_SCHEDULED_TIME, LABEL_CRON_WORKFLOW, type CronWorkflow } from './decide-cron.ts';

export const LABEL_BACKFILL = 'workflows.argoproj.io/backfill';
const LABEL_INSTANCE_ID = 'workflows.argoproj.io/controller-instanceid';
/** The monitor's parameter its resource template substitutes into each Workflow. */
const TIME_PARAM = 'backfillscheduletime';
/** Kubernetes names are at most 253 characters; generateName leaves room for a 10-character suffix. */
const MAX_PREFIX = 253 - 10 - 1;

export interface BackfillOptions {
  /** `--name` (argo: 5 random hex characters by default). */
  name: string;
  /** `--argname` (default `cronScheduleTime`). */
  argName: string;
  parallel: boolean;
  /** When the command runs, RFC 3339 (argo stamps the scheduled-time annotation with it). */
  now: string;
}

/** argo's `GenerateBackfillWorkflowPrefix`: `<cron>-backfill-<lower-case name>`, cut to 242 characters. */
export function backfillPrefix(cronName: string, name: string): string {
  return `${cronName}-backfill-${name.toLowerCase()}`.slice(0, MAX_PREFIX);
}

/** The Workflow one backfilled time runs; its time argument is the monitor's `{{inputs.parameters…}}`. */
export function backfillWorkflow(cron: CronWorkflow, o: BackfillOptions): Workflow {
  const md = cron.spec.workflowMetadata;
  const instance = cron.metadata.labels?.[LABEL_INSTANCE_ID];
  const spec = structuredClone(cron.spec.workflowSpec) as Workflow['spec'];
  spec.arguments = {
    ...spec.arguments,
    parameters: [
      ...(spec.arguments?.parameters ?? []),
      { name: o.argName, value: `{{inputs.parameters.${TIME_PARAM}}}` },
    ],
  };
  if (!o.parallel) {
    spec.priority = 2147483647;
    spec.synchronization = { mutexes: [{ name: o.name }] };
  }
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: `${backfillPrefix(cron.metadata.name ?? '', o.name)}-`,
      labels: {
        ...(instance !== undefined ? { [LABEL_INSTANCE_ID]: instance } : {}),
        [LABEL_CRON_WORKFLOW]: cron.metadata.name ?? '',
        ...(md?.labels ?? {}),
      },
      annotations: { [ANNOTATION_SCHEDULED_TIME]: o.now, ...(md?.annotations ?? {}) },
      ...(md?.finalizers?.length ? { finalizers: [...md.finalizers] } : {}),
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'CronWorkflow',
          name: cron.metadata.name ?? '',
          uid: cron.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec,
  };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => [k, sortKeys(o[k])]),
  );
}

/** The resource manifest: the Workflow as YAML with sorted keys (argo: JSON, then sigs.k8s.io/yaml). */
export function backfillManifest(wf: Workflow): string {
  const { apiVersion: _, ...rest } = wf;
  return `apiVersion: argoproj.io/v1alpha1 \n${stringify(sortKeys(rest), { lineWidth: 0 })}`;
}

/** The monitor workflows: each creates (and waits for) the Workflow of up to `max` times. */
export function monitorWorkflows(cronName: string, manifest: string, times: string[], max: number): Workflow[] {
  const out: Workflow[] = [];
  // argo's loop: len/max + 1 monitors (an exact multiple leaves the last one with no time).
  const count = Math.floor(times.length / max) + 1;
  for (let i = 0, start = 0; i < count; i++) {
    const end = times.length - i * max < max ? times.length : start + max;
    out.push(monitor(cronName, manifest, times.slice(start, end)));
    start = end;
  }
  return out;
}

function monitor(cronName: string, manifest: string, times: string[]): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'backfill-wf-', labels: { [LABEL_BACKFILL]: cronName } },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          steps: [
            [
              {
                name: 'create-workflow',
                template: 'create-workflow',
                arguments: { parameters: [{ name: TIME_PARAM, value: '{{item}}' }] },
                withParam: JSON.stringify(times),
              },
            ],
          ],
        },
        {
          name: 'create-workflow',
          inputs: { parameters: [{ name: TIME_PARAM }] },
          resource: { successCondition: 'status.phase == Succeeded', action: 'create', manifest },
        },
      ],
    },
  } as Workflow;
}
