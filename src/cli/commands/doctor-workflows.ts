/**
 * `argosy doctor`'s look at running workflows: a workflow that is Running while one of its nodes had
 * its pod create refused, waits for a cluster, or has sat Pending for longer than the resync period
 * is reported with the node's own message, so "no problems found" never hides a stuck workflow.
 * Nodes are read however they are stored: plain, compressed, or offloaded to the node status store
 * (read back through it; a workflow whose nodes cannot be read is a finding of its own).
 */
import type { NodeStatus, Workflow } from '../../engine/types.ts';
import { LABEL_COMPLETED } from '../../engine/labels.ts';
import type { KubeClient } from '../../ports/kube.ts';
import { listAll } from '../../adapters/kube/resources.ts';
import { inflateWorkflow } from '../../adapters/kube/compressed-nodes.ts';
import { hydrateWorkflow } from '../../adapters/kube/offloaded-nodes.ts';
import type { NodeStatusStore } from '../../ports/node-status.ts';
import { errText, type Finding } from './doctor-checks.ts';

const CHECK = 'workflows';

/** Why a node of a Running workflow needs attention, or undefined when it does not. */
export function stuckReason(node: NodeStatus, now: Date, resyncMs: number): string | undefined {
  const message = node.message ?? '';
  if (message.startsWith('pod create refused by ') || message.startsWith('pod list refused by ')) return message;
  if (message.startsWith('waiting for cluster ') || message.startsWith('cannot observe cluster ')) return message;
  if (node.phase !== 'Pending' || !node.startedAt) return undefined;
  const pendingMs = now.getTime() - Date.parse(node.startedAt);
  if (!(pendingMs > resyncMs)) return undefined;
  const minutes = Math.round(pendingMs / 60_000);
  return `Pending for ${minutes} minute${minutes === 1 ? '' : 's'}${message ? `: ${message}` : ' with no message'}`;
}

/** Findings for the Running workflows of a list (pure: the command and tests share it). */
export function workflowFindings(workflows: Workflow[], now: Date, resyncMs: number): Finding[] {
  const findings: Finding[] = [];
  let running = 0;
  for (const raw of workflows) {
    const wf = inflateWorkflow(raw);
    if (wf.status?.phase !== 'Running') continue;
    running++;
    const name = `${wf.metadata.namespace ?? ''}/${wf.metadata.name ?? ''}`;
    for (const node of Object.values(wf.status.nodes ?? {})) {
      const reason = stuckReason(node, now, resyncMs);
      if (!reason) continue;
      findings.push({
        check: CHECK,
        status: 'fail',
        detail: `${name} is Running; node ${node.displayName ?? node.name}: ${reason}`,
        advice: advice(reason),
      });
    }
  }
  if (findings.length === 0) findings.push({ check: CHECK, status: 'ok', detail: `${running} running, none stuck` });
  return findings;
}

function advice(reason: string): string {
  if (reason.startsWith('pod create refused'))
    return 'fix what the API server refused (namespace, RBAC, ServiceAccount, pod spec); the step ended Error';
  if (reason.startsWith('cannot observe cluster'))
    return 'restore the rest-config entry for that cluster (`argosy cluster add`); the node ends Error after ARGOSY_TRANSIENT_TIMEOUT_MS';
  if (reason.startsWith('waiting for cluster'))
    return 'check the cluster and its rest-config entry (`argosy cluster check`); the node ends Error after ARGOSY_TRANSIENT_TIMEOUT_MS';
  return 'check the watcher and the reconcile function logs for this workflow; `argosy get` shows the node';
}

/**
 * The Running workflows with their nodes read back (offloaded ones through `store`), and a finding for
 * each whose offloaded nodes cannot be read: no store configured, or the version missing from it.
 */
export async function withNodesRead(
  workflows: Workflow[],
  store: NodeStatusStore | undefined,
): Promise<{ workflows: Workflow[]; findings: Finding[] }> {
  const findings: Finding[] = [];
  const read = await Promise.all(
    workflows.map(async (wf) => {
      if (wf.status?.phase !== 'Running' || !wf.status.offloadNodeStatusVersion) return wf;
      try {
        return await hydrateWorkflow(wf, store);
      } catch (e) {
        const name = `${wf.metadata.namespace ?? ''}/${wf.metadata.name ?? ''}`;
        findings.push({
          check: CHECK,
          status: store ? 'fail' : 'warn',
          detail: `${name} is Running; its offloaded nodes could not be read: ${errText(e)}`,
          advice: store
            ? 'the reconcile ends a workflow whose node status version is gone with phase Error; check the bucket and the controller logs'
            : 'set ARGOSY_STATUS_BUCKET (and AWS_ENDPOINT_URL_S3 for an emulator) to the bucket the controller uses, so its nodes are checked',
        });
        return undefined;
      }
    }),
  );
  return { workflows: read.filter((w): w is Workflow => w !== undefined), findings };
}

/** Lists the workflows not labelled completed in the main cluster and reports the stuck ones. */
export async function checkWorkflows(
  main: KubeClient | undefined,
  now: Date,
  resyncMs: number,
  store?: NodeStatusStore,
): Promise<Finding[]> {
  if (!main)
    return [{ check: CHECK, status: 'skip', detail: 'no main cluster', advice: 'set KUBECONFIG (or use --local)' }];
  try {
    const list = await listAll<Workflow>(main, '/apis/argoproj.io/v1alpha1/workflows', `${LABEL_COMPLETED}!=true`);
    const read = await withNodesRead(list.items, store);
    const found = workflowFindings(read.workflows, now, resyncMs);
    if (read.findings.length === 0) return found;
    return [...read.findings, ...found.filter((f) => f.status !== 'ok')];
  } catch (e) {
    return [{ check: CHECK, status: 'fail', detail: errText(e), advice: 'can this identity list workflows?' }];
  }
}
