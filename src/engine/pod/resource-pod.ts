/**
 * The pod of a resource template, as Argo v4.1 builds it in the legacy layout (`executeResource`,
 * `newExecContainer`): `init` (argoexec init: writes the template to /var/run/argo/template) and a `main`
 * that runs `argoexec resource <action>` with the executor image and the locked-down security context
 * Argo gives resource pods. No `wait` container: main itself reports the outputs as the node's
 * WorkflowTaskResult. The pod runs as the template's service account, so the object is created with
 * the workflow's rights, never the controller's (docs/adr/0011-resource-templates.md).
 */
import type { KubeContainer } from '../contract.ts';
import type { Template } from '../types.ts';
import { resourceOf } from '../resource/manifest.ts';
import {
  execEnv,
  INPUT_ARTIFACTS_DIR,
  inputArtifactMounts,
  secretVolumes,
  LOG_FLAGS,
  templateJson,
  VAR_RUN_ARGO,
  type ExecutorEnv,
  type ExecutorParts,
} from './executor-pod.ts';

/** Argo's `MinimalCtrSC`, read-only root filesystem on main only. */
export function minimalSecurityContext(readOnlyRoot: boolean): Record<string, unknown> {
  const sc: Record<string, unknown> = {
    capabilities: { drop: ['ALL'] },
    runAsNonRoot: true,
    runAsUser: 8737,
    allowPrivilegeEscalation: false,
    seccompProfile: { type: 'RuntimeDefault' },
  };
  if (readOnlyRoot) sc.readOnlyRootFilesystem = true;
  return sc;
}

/** True for the `main` of a resource pod (`argoexec resource …`). */
export function isResourceMain(c: { name?: string; command?: unknown }): boolean {
  const cmd = (c.command as string[] | undefined) ?? [];
  return c.name === 'main' && cmd[0] === 'argoexec' && cmd[1] === 'resource';
}

/**
 * Init and main of a resource template's pod. Input artifacts (`manifestFrom.artifact` names one) are
 * downloaded by init into `input-artifacts`, which main sees at each artifact's path.
 */
export function resourceParts(t: Template, e: ExecutorEnv): ExecutorParts {
  const argoMount = { name: 'var-run-argo', mountPath: VAR_RUN_ARGO };
  const hasInputs = (t.inputs?.artifacts ?? []).length > 0;
  const secrets = secretVolumes(t);
  const inputs = hasInputs ? [{ name: 'input-artifacts', mountPath: INPUT_ARTIFACTS_DIR }] : [];
  const action = resourceOf(t)?.action ?? '';
  const init: KubeContainer = {
    name: 'init',
    image: e.image,
    command: ['argoexec', 'init', ...LOG_FLAGS],
    env: execEnv(e, 'init', templateJson(t)),
    resources: {},
    securityContext: minimalSecurityContext(false),
    volumeMounts: [...inputs, ...secrets.mounts, argoMount],
  };
  const main: KubeContainer = {
    name: 'main',
    image: e.image,
    command: ['argoexec', 'resource', action, ...LOG_FLAGS],
    env: execEnv(e, 'main'),
    resources: {},
    securityContext: minimalSecurityContext(true),
    volumeMounts: [...inputArtifactMounts(t), argoMount],
  };
  const volumes: Record<string, unknown>[] = [{ name: 'var-run-argo', emptyDir: {} }, ...secrets.volumes];
  if (hasInputs) volumes.push({ name: 'input-artifacts', emptyDir: {} });
  return { initContainers: [init], containers: [main], volumes };
}
