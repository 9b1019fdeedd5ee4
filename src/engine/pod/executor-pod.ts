/**
 * The containers of a pod that Argo's own executor (`argoexec`, emissary) runs unchanged, in clusters
 * that serve `workflowtaskresults.argoproj.io` (docs/adr/0009-argo-executor-pods.md). The shape follows
 * Argo v4.1's legacy layout: `init` and `wait` run the executor image, `main` runs the user's command
 * behind `/var/run/argo/argoexec emissary --`, and the template travels as `ARGO_TEMPLATE` JSON.
 */
import type { KubeContainer } from '../contract.ts';
import type { Template } from '../types.ts';
import { PodBuildError } from './outputs-wrapper.ts';
import { imageCommand } from './image-entrypoints.ts';
import { containerSetMembers } from './container-set.ts';

/** Argo's executor image for the release the conventions follow. */
export const DEFAULT_EXECUTOR_IMAGE = 'quay.io/argoproj/argoexec:v4.1.2';
export const VAR_RUN_ARGO = '/var/run/argo';
export const EMISSARY = `${VAR_RUN_ARGO}/argoexec`;
export const STAGING_DIR = '/argo/staging';
export const SCRIPT_PATH = `${STAGING_DIR}/script`;
export const INPUT_ARTIFACTS_DIR = '/argo/inputs/artifacts';
/** `ARGO_DEADLINE` when there is none: the executor panics on an empty value. */
export const NO_DEADLINE = '0001-01-01T00:00:00Z';
export const LOG_FLAGS = ['--loglevel', 'info', '--log-format', 'text', '--gloglevel', '0'];

/** Per-pod values the executor reads from its environment. */
export interface ExecutorEnv {
  nodeId: string;
  workflowName: string;
  workflowUid: string;
  instanceId?: string;
  includeScriptOutput: boolean;
  /** RFC 3339, or {@link NO_DEADLINE}. */
  deadline: string;
  image: string;
  /** `resources` of init and wait (Argo's ConfigMap `executor.resources`). */
  resources?: Record<string, unknown>;
  /** Argo's `executor.serviceAccountName`: its token is mounted in init and wait only. */
  serviceAccountName?: string;
}

/** Argo's volume and mount of the executor account's token (`setupServiceAccount`, `newExecContainer`). */
export const EXEC_SA_TOKEN = 'exec-sa-token';
const SA_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The token Secret of the executor account. Argo reads the ServiceAccount to find it (its first
 * secret, its annotation, else `<sa>.service-account-token`); the engine does no I/O, so it names the
 * last one, the Secret Argo's quick-start creates (docs/adr/0012-pod-surface.md).
 */
export function executorTokenSecret(serviceAccount: string): string {
  return `${serviceAccount}.service-account-token`;
}

/** The executor's part of a pod: init containers, containers (wait first, then main) and volumes. */
export interface ExecutorParts {
  initContainers: KubeContainer[];
  containers: KubeContainer[];
  volumes: Record<string, unknown>[];
}

export type Mount = { name: string; mountPath: string; subPath?: string; readOnly?: boolean };
export type EnvVar = { name: string; value?: string; valueFrom?: unknown };

/** Env every container gets (Argo's `build`: node id, script output, deadline, workflow, progress). */
export function commonEnv(e: ExecutorEnv): EnvVar[] {
  return [
    { name: 'ARGO_NODE_ID', value: e.nodeId },
    { name: 'ARGO_INCLUDE_SCRIPT_OUTPUT', value: String(e.includeScriptOutput) },
    { name: 'ARGO_DEADLINE', value: e.deadline },
    { name: 'ARGO_WORKFLOW_NAME', value: e.workflowName },
    { name: 'ARGO_PROGRESS_FILE', value: `${VAR_RUN_ARGO}/progress` },
    { name: 'ARGO_PROGRESS_PATCH_TICK_DURATION', value: '1m0s' },
    { name: 'ARGO_PROGRESS_FILE_TICK_DURATION', value: '3s' },
  ];
}

/** Env of the executor containers (`createEnvVars`): pod identity first; ARGO_POD_NAME is required by init. */
export function execEnv(e: ExecutorEnv, container: string, template?: string): EnvVar[] {
  const env: EnvVar[] = [
    { name: 'ARGO_POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'ARGO_POD_UID', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.uid' } } },
    { name: 'ARGO_WORKFLOW_NAME', value: e.workflowName },
    { name: 'ARGO_WORKFLOW_UID', value: e.workflowUid },
  ];
  if (e.instanceId) env.push({ name: 'ARGO_INSTANCE_ID', value: e.instanceId });
  env.push({ name: 'ARGO_CONTAINER_NAME', value: container });
  if (template !== undefined) env.push({ name: 'ARGO_TEMPLATE', value: template });
  return [...env, ...commonEnv(e)];
}

/** The template as `ARGO_TEMPLATE` carries it: resolved, input parameters removed, artifacts kept. */
export function templateJson(t: Template): string {
  const { clusterName: _c, namespace: _n, serviceAccount: _s, ...rest } = t;
  const copy: Template = { ...rest };
  if (t.inputs) {
    const { parameters: _p, ...inputs } = t.inputs;
    copy.inputs = inputs;
  } else copy.inputs = {};
  copy.outputs ??= {};
  copy.metadata ??= {};
  return JSON.stringify(copy);
}

/** The user container's argv behind emissary: its command, else the image's ENTRYPOINT (and CMD). */
function emissaryMain(c: KubeContainer): KubeContainer {
  let command = c.command;
  let args = c.args;
  if (!command || command.length === 0) {
    const known = imageCommand(String(c.image ?? ''));
    if (!known)
      throw new PodBuildError(
        `failed to look-up entrypoint/cmd for image "${c.image}", you must either explicitly specify the command, ` +
          "or list the image's command in the index: https://argo-workflows.readthedocs.io/en/latest/workflow-executors/#emissary-emissary",
      );
    command = known.entrypoint;
    if (args === undefined) args = known.cmd;
  }
  const out: KubeContainer = { ...c, command: [EMISSARY, 'emissary', ...LOG_FLAGS, '--', ...command] };
  if (args !== undefined) out.args = args;
  return out;
}

/**
 * Input artifacts with a path that `main` sees through a subPath mount of `input-artifacts`. One whose
 * path lies in a volume the template mounts is not: the executor loads it into that volume (through
 * /mainctrfs), so the volume stays what every other pod mounting it sees (Argo's addInputArtifactsVolumes
 * and LoadArtifacts skip the mount the same way).
 */
export function inputArtifactMounts(t: Template): Mount[] {
  const arts = (t.inputs?.artifacts ?? []) as { name: string; path?: string }[];
  return arts
    .filter((a) => a.path && !overlappingMount(t, a.path))
    .map((a) => ({ name: 'input-artifacts', mountPath: a.path!, subPath: a.name }));
}

/** Argo's FindOverlappingVolume: the template's volumeMount that `path` is, or lies below. */
export function overlappingMount(
  t: Pick<Template, 'container' | 'script' | 'containerSet'>,
  path: string,
): Mount | undefined {
  const holder = (t.container ?? t.script ?? t.containerSet) as { volumeMounts?: Mount[] } | undefined;
  return (holder?.volumeMounts ?? []).find((m) => {
    const at = m.mountPath.replace(/\/+$/, '');
    return path === at || path.startsWith(`${at}/`);
  });
}

/** Secret volumes for every secret the archive location and the artifacts name (read as files). */
export function secretVolumes(t: Template): { volumes: Record<string, unknown>[]; mounts: Mount[] } {
  const keys = new Map<string, Set<string>>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (/Secret$/.test(k) && x && typeof x === 'object' && 'name' in x && 'key' in x) {
        const ref = x as { name: string; key: string };
        if (!keys.has(ref.name)) keys.set(ref.name, new Set());
        keys.get(ref.name)!.add(ref.key);
      } else visit(x);
    }
  };
  visit([t.archiveLocation, t.inputs?.artifacts, t.outputs?.artifacts]);
  const volumes: Record<string, unknown>[] = [];
  const mounts: Mount[] = [];
  for (const [name, set] of [...keys].sort(([a], [b]) => a.localeCompare(b))) {
    const items = [...set].sort().map((key) => ({ key, path: key }));
    volumes.push({ name, secret: { secretName: name, items } });
    mounts.push({ name, mountPath: `/argo/secret/${name}`, readOnly: true });
  }
  return { volumes, mounts };
}

/** The executor account's token volume (added to `volumes`) and its mount in init and wait. */
function executorAccountMounts(e: ExecutorEnv, volumes: Record<string, unknown>[]): Mount[] {
  if (!e.serviceAccountName) return [];
  volumes.push({ name: EXEC_SA_TOKEN, secret: { secretName: executorTokenSecret(e.serviceAccountName) } });
  return [{ name: EXEC_SA_TOKEN, mountPath: SA_TOKEN_PATH, readOnly: true }];
}

/** The user's main containers: `main` of a container/script template, or the members of a container set. */
function userMains(t: Template): KubeContainer[] {
  if (t.containerSet) return containerSetMembers(t);
  const main = (t.script ? scriptUserContainer(t) : { ...(t.container ?? {}), name: 'main' }) as KubeContainer;
  if (t.script && (t.script.source ?? '') !== '') main.args = [...(main.args ?? []), SCRIPT_PATH];
  return [main];
}

/**
 * A main container with Argo's additions: `main` also gets the input-artifact and staging mounts; every
 * one gets /var/run/argo, its ARGO_CONTAINER_NAME and the common env.
 */
function withArgoParts(c: KubeContainer, mainOnly: Mount[], argoMount: Mount, e: ExecutorEnv): KubeContainer {
  const own = (c.volumeMounts as Mount[] | undefined) ?? [];
  return {
    ...c,
    volumeMounts: [...own, ...(c.name === 'main' ? mainOnly : []), argoMount],
    env: [...((c.env as EnvVar[] | undefined) ?? []), { name: 'ARGO_CONTAINER_NAME', value: c.name }, ...commonEnv(e)],
  };
}

/** Builds init, wait and the emissary-wrapped main containers for a container/script/containerSet template. */
export function executorParts(t: Template, e: ExecutorEnv): ExecutorParts {
  const argoMount: Mount = { name: 'var-run-argo', mountPath: VAR_RUN_ARGO };
  const volumes: Record<string, unknown>[] = [
    { name: 'var-run-argo', emptyDir: {} },
    { name: 'tmp-dir-argo', emptyDir: {} },
  ];
  const secrets = secretVolumes(t);
  volumes.push(...secrets.volumes);
  const staging: Mount[] = t.script ? [{ name: 'argo-staging', mountPath: STAGING_DIR }] : [];
  if (t.script) volumes.push({ name: 'argo-staging', emptyDir: {} });
  const inputMounts = inputArtifactMounts(t);
  const initInputs: Mount[] = [];
  if ((t.inputs?.artifacts ?? []).length > 0) {
    volumes.push({ name: 'input-artifacts', emptyDir: {} });
    initInputs.push({ name: 'input-artifacts', mountPath: INPUT_ARTIFACTS_DIR });
  }
  const mains = userMains(t);
  // Argo mirrors the mounts of the container named `main` (none when a container set has no `main`).
  const main = mains.find((c) => c.name === 'main');
  const userMounts = ((main?.volumeMounts as Mount[] | undefined) ?? []).slice();
  const mainOnly = [...inputMounts, ...staging];
  const saToken = executorAccountMounts(e, volumes);
  const init = initContainer(t, e, [
    ...saToken,
    ...initInputs,
    // Argo's init sees main's volumes under /mainctrfs whenever there are input artifacts to load into them.
    ...(initInputs.length > 0 ? userMounts.map((m) => ({ ...m, mountPath: `/mainctrfs${m.mountPath}` })) : []),
    ...secrets.mounts,
    ...staging,
    argoMount,
  ]);
  // `wait` sees everything `main` mounts under /mainctrfs, to read outputs written to volumes.
  const mirrored = [...userMounts, ...mainOnly].map((m) => ({
    ...m,
    mountPath: `/mainctrfs${m.mountPath}`,
    readOnly: false,
  }));
  const wait = waitContainer(e, [
    ...saToken,
    ...secrets.mounts,
    ...mirrored,
    { name: 'tmp-dir-argo', mountPath: '/tmp', subPath: '0' },
    argoMount,
  ]);
  const extra = userContainers(t, [...userMounts, ...mainOnly], argoMount, e);
  const containers = [wait, ...mains.map((c) => withArgoParts(c, mainOnly, argoMount, e)), ...extra.sidecars];
  return { initContainers: [init, ...extra.initContainers], containers, volumes };
}

/** Argo's `init` container: stages the script and input artifacts; it carries the template. */
function initContainer(t: Template, e: ExecutorEnv, volumeMounts: Mount[]): KubeContainer {
  return {
    name: 'init',
    image: e.image,
    command: ['argoexec', 'init', ...LOG_FLAGS],
    env: execEnv(e, 'init', templateJson(t)),
    resources: e.resources ?? {},
    volumeMounts,
  };
}

/** Argo's `wait` container: reports the outputs once every main container has exited. */
function waitContainer(e: ExecutorEnv, volumeMounts: Mount[]): KubeContainer {
  return {
    name: 'wait',
    image: e.image,
    command: ['argoexec', 'wait', ...LOG_FLAGS],
    env: execEnv(e, 'wait'),
    resources: e.resources ?? {},
    volumeMounts,
  };
}

type UserContainer = KubeContainer & { mirrorVolumeMounts?: boolean };

/** A user container as the pod carries it: main's mounts when mirrored, then /var/run/argo, then Argo's env. */
function userContainer(c: UserContainer, mainMounts: Mount[], argoMount: Mount, env: EnvVar[]): KubeContainer {
  const { mirrorVolumeMounts, ...rest } = c;
  const own = (rest.volumeMounts as Mount[] | undefined) ?? [];
  return {
    ...rest,
    volumeMounts: [...own, ...(mirrorVolumeMounts ? mainMounts : []), argoMount],
    env: [...((rest.env as EnvVar[] | undefined) ?? []), ...env],
  };
}

/**
 * The template's `initContainers` (after Argo's `init`, not wrapped, with `ARGO_TEMPLATE`) and `sidecars`
 * (after `main`, wrapped by emissary later, which stops them once main has exited), as Argo's
 * `addInitContainers`/`addSidecars` add them.
 */
function userContainers(t: Template, mainMounts: Mount[], argoMount: Mount, e: ExecutorEnv) {
  const json = templateJson(t);
  const initContainers = ((t.initContainers as UserContainer[] | undefined) ?? []).map((c) =>
    userContainer(c, mainMounts, argoMount, [
      { name: 'ARGO_CONTAINER_NAME', value: c.name },
      { name: 'ARGO_TEMPLATE', value: json },
      ...commonEnv(e),
    ]),
  );
  const sidecars = ((t.sidecars as UserContainer[] | undefined) ?? []).map((c) =>
    userContainer(c, mainMounts, argoMount, [{ name: 'ARGO_CONTAINER_NAME', value: c.name }, ...commonEnv(e)]),
  );
  return { initContainers, sidecars };
}

/** Argo's own containers, which emissary does not wrap. */
const ARGO_CONTAINERS = new Set(['wait']);

/**
 * The last step of an executor pod (after podSpecPatch, as Argo does): every user container runs
 * behind emissary, its command taken from the image index when it has none.
 */
export function wrapForEmissary(containers: KubeContainer[]): KubeContainer[] {
  return containers.map((c) => (ARGO_CONTAINERS.has(c.name) ? c : emissaryMain(c)));
}

/**
 * A script template's user container: its fields without `source`, `sh` when it has a source but no
 * command. Without a source Argo runs it as a container (the image's entrypoint, e.g. argosay's).
 */
function scriptUserContainer(t: Template): KubeContainer {
  const { source, ...rest } = t.script!;
  const c: KubeContainer = { ...rest, name: 'main' } as KubeContainer;
  if ((!c.command || c.command.length === 0) && source) c.command = ['sh'];
  return c;
}
