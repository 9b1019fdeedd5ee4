/**
 * The pod of a data template, as Argo v4.1 builds it (`executeData`): `init` (writes the template to
 * /var/run/argo/template) and a `main` running `argoexec data <the data field as JSON>` with the
 * executor image and Argo's locked-down security context; no wait container. Main lists the source's
 * artifact paths (the artifact relocated into the template's archive location, credentials from the
 * mounted Secrets), applies the transformations and reports the JSON as `outputs.result` through the
 * node's WorkflowTaskResult.
 */
import type { KubeContainer } from '../contract.ts';
import type { Template } from '../types.ts';
import { execEnv, LOG_FLAGS, secretVolumes, templateJson, VAR_RUN_ARGO } from './executor-pod.ts';
import type { ExecutorEnv, ExecutorParts } from './executor-pod.ts';
import { minimalSecurityContext } from './resource-pod.ts';

/** True for the `main` of a data pod (`argoexec data …`). */
export function isDataMain(c: { name?: string; command?: unknown }): boolean {
  const cmd = (c.command as string[] | undefined) ?? [];
  return c.name === 'main' && cmd[0] === 'argoexec' && cmd[1] === 'data';
}

/** Init and main of a data template's pod. */
export function dataParts(t: Template, e: ExecutorEnv): ExecutorParts {
  const argoMount = { name: 'var-run-argo', mountPath: VAR_RUN_ARGO };
  const source = t.data?.source?.artifactPaths;
  const secrets = secretVolumes({ ...t, inputs: { artifacts: source ? [source] : [] } });
  const init: KubeContainer = {
    name: 'init',
    image: e.image,
    command: ['argoexec', 'init', ...LOG_FLAGS],
    env: execEnv(e, 'init', templateJson(t)),
    resources: {},
    securityContext: minimalSecurityContext(false),
    volumeMounts: [argoMount],
  };
  const main: KubeContainer = {
    name: 'main',
    image: e.image,
    command: ['argoexec', 'data', JSON.stringify(t.data ?? {}), ...LOG_FLAGS],
    env: execEnv(e, 'main'),
    resources: {},
    securityContext: minimalSecurityContext(true),
    volumeMounts: [...secrets.mounts, argoMount],
  };
  return {
    initContainers: [init],
    containers: [main],
    volumes: [{ name: 'var-run-argo', emptyDir: {} }, ...secrets.volumes],
  };
}
