/**
 * Stand-in for `argoexec data <json>` (Argo's cmd/argoexec/commands/data.go, workflow/data): lists the
 * keys under the source's artifact location (relocated into the template's archive location, with the
 * credentials of the mounted Secrets), runs each transformation expression over `data`, and reports the
 * JSON of the outcome as `outputs.result` in the node's WorkflowTaskResult, labelled complete. Errors
 * read as Argo's (`unable to process data template: …`) and end main with exit code 1.
 */
import { join } from 'node:path';
import type { Artifact, ArtifactLocation, DataTemplate } from '../../../engine/types.ts';
import { evaluateExpr, goJson, type Value } from '../../../engine/expr/index.ts';
import type { ContainerExit, StartRequest } from '../runtime.ts';
import { hostPathIn, mountsOf } from './fs.ts';
import { readTemplate } from './emissary.ts';
import { client, newMeta, retrying, upsert } from './wait.ts';
import { relocate, storeOf } from './location.ts';

const LABEL_COMPLETED = 'workflows.argoproj.io/report-outputs-completed';

/** Argo's `ProcessArtifactPaths`: the keys under the artifact's location. */
async function listPaths(a: Artifact, archive: ArtifactLocation | undefined, at: (p: string) => string) {
  // Argo's Relocate keeps the artifact's own key, which is empty when it names none (the whole bucket).
  const loc = relocate({ ...a, s3: { ...(a.s3 ?? {}), key: a.s3?.key ?? '' } }, archive);
  if (!loc) throw new Error(`Unsupported artifact driver for ${a.name}`);
  return storeOf(loc, at).list(loc.key ?? '');
}

/** Argo's `ProcessData`: source, then each transformation step. */
async function processData(d: DataTemplate, archive: ArtifactLocation | undefined, at: (p: string) => string) {
  const source = d.source?.artifactPaths;
  if (!source) throw new Error('unable to process data source: no valid source is used for data template');
  let data: Value;
  try {
    data = await listPaths(source, archive, at);
  } catch (e) {
    throw new Error(`unable to process data source: unable to source artifact paths: ${(e as Error).message}`);
  }
  for (const [i, step] of (d.transformation ?? []).entries()) {
    if (!step.expression) continue;
    try {
      data = evaluateExpr(step.expression, { data });
    } catch (e) {
      throw new Error(
        `unable to process data transformation: error processing data step ${i}: ${(e as Error).message}`,
      );
    }
  }
  return data;
}

/** Runs `argoexec data` as the data pod's `main`. */
export async function runData(req: StartRequest, json: string, log: (line: string) => void): Promise<ContainerExit> {
  if (!req.api) return { exitCode: 1, message: 'no API server address for the pod (local kubelet without apiUrl)' };
  const ns = String(req.pod.metadata.namespace);
  const name = req.env.ARGO_NODE_ID ?? '';
  const at = (p: string) =>
    hostPathIn(mountsOf(req.pod, req.container, req.podDir, req.secret), p, join(req.podDir, 'rootfs', 'main'));
  const c = client(req);
  const forever = <T>(fn: () => Promise<T>) => retrying(fn, 30, () => false);
  let error: string | undefined;
  try {
    const template = readTemplate(req, at('/var/run/argo')) as { archiveLocation?: ArtifactLocation };
    const data = await processData(JSON.parse(json) as DataTemplate, template.archiveLocation, at).catch((e) => {
      throw new Error(`unable to process data template: ${(e as Error).message}`);
    });
    const result = goJson(data);
    log(`Data result: ${result.length} bytes`);
    await forever(() => upsert(c, ns, name, { metadata: newMeta(req, ns), outputs: { result } }));
  } catch (e) {
    error = (e as Error).message;
    log(error);
  }
  try {
    const meta = newMeta(req, ns);
    await forever(() =>
      upsert(c, ns, name, { metadata: { ...meta, labels: { ...(meta.labels as object), [LABEL_COMPLETED]: 'true' } } }),
    );
  } catch (e) {
    error ??= `failed to finalize outputs: ${(e as Error).message}`;
  } finally {
    c.close();
  }
  return error === undefined ? { exitCode: 0 } : { exitCode: 1, message: error };
}
