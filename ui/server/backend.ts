/**
 * What the UI's API handlers share: the CLI's resolved target (the main cluster's client, the
 * namespace, and clients for pods in other clusters through the rest-config registry or a
 * kubeconfig context, exactly as `argosy logs` finds them) and the logger.
 */
import { getWorkflow } from '../../src/adapters/kube/resources.ts';
import type { Target } from '../../src/cli/lib/kube-target.ts';
import type { Workflow } from '../../src/engine/types.ts';
import type { Logger } from '../../src/logger.ts';
import { readHydrated } from '../../src/adapters/kube/offloaded-nodes.ts';

export interface UiBackend {
  target: Target;
  logger: Logger;
}

/** The target scoped to another namespace (the CLI's `-n`), sharing its clients. */
export function inNamespace(target: Target, namespace: string): Target {
  return { ...target, namespace };
}

/** A workflow with compressed or offloaded nodes read back (as `argosy get` and Argo's server return it). */
export async function readWorkflow(b: UiBackend, namespace: string, name: string): Promise<Workflow> {
  return readHydrated(() => getWorkflow<Workflow>(b.target.client, namespace, name), b.target.nodeStatus);
}

/** `?namespace=` of a request; '' means every namespace (the list's "all"). */
export function namespaceParam(b: UiBackend, url: URL): string {
  const ns = url.searchParams.get('namespace');
  return ns === null ? b.target.namespace : ns;
}
