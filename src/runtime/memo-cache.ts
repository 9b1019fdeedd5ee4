/**
 * Writes one memoization cache entry (the engine's `SaveMemoEntry`) as Argo's configMapCache.save does:
 * read the ConfigMap, create it labelled as a cache when absent, refuse one without the cache label (so a
 * workflow cannot make the controller overwrite an unrelated ConfigMap), set the key, replace. A
 * concurrent writer (another workflow saving to the same cache) is a 409 Conflict: read and try again,
 * a few times, as Argo's retry.OnError does. The outcome is the engine's to decide on; its message
 * uses Argo's words.
 */
import type { Action, ActionOutcome } from '../engine/contract.ts';
import type { KubeClient } from '../ports/kube.ts';
import { CONFIGMAP_TYPE_CACHE, LABEL_CONFIGMAP_TYPE, cacheLabelProblem } from '../engine/memoize.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../adapters/kube/errors.ts';
import { createConfigMap, getConfigMap, replaceConfigMap, type KubeConfigMap } from '../adapters/kube/resources.ts';
import { outcomeOf } from './outcome.ts';

type SaveMemoEntry = Extract<Action, { kind: 'SaveMemoEntry' }>;

/** Attempts when the ConfigMap changes under us (409) or appears between our read and create. */
const ATTEMPTS = 5;

const refused = (message: string): ActionOutcome => ({
  kind: 'rejected',
  statusCode: 0,
  reason: 'MemoizationCache',
  message,
});

/** Wraps a failed request's outcome with Argo's words for the step that failed. */
function failed(e: unknown, prefix: string, suffix = ''): ActionOutcome {
  const o = outcomeOf(e);
  if (!o) throw e;
  return { ...o, message: `${prefix}${o.message}${suffix}` };
}

const FAQ = '. Please check out this page for help: https://argo-workflows.readthedocs.io/en/latest/memoization/#faqs';

/** One try: `undefined` when it lost a race and should be tried again. */
async function tryOnce(client: KubeClient, a: SaveMemoEntry): Promise<ActionOutcome | undefined> {
  let cm: KubeConfigMap;
  try {
    cm = await getConfigMap(client, a.namespace, a.configMap);
  } catch (e) {
    if (!isNotFound(e)) return failed(e, '');
    const fresh: KubeConfigMap = {
      metadata: { name: a.configMap, labels: { [LABEL_CONFIGMAP_TYPE]: CONFIGMAP_TYPE_CACHE } },
      data: { [a.key]: a.entry },
    };
    try {
      await createConfigMap(client, a.namespace, fresh);
      return { kind: 'done' };
    } catch (err) {
      if (isAlreadyExists(err)) return undefined;
      return failed(err, 'could not save to config map cache: ');
    }
  }
  const problem = cacheLabelProblem({ labels: cm.metadata.labels ?? {} });
  if (problem) return refused(problem);
  cm.data = { ...cm.data, [a.key]: a.entry };
  try {
    await replaceConfigMap(client, a.namespace, cm);
    return { kind: 'done' };
  } catch (e) {
    if (isConflict(e)) return undefined;
    return failed(e, 'error creating cache entry: ', FAQ);
  }
}

/** Saves the entry; a conflict that does not settle after a few reads is reported for now. */
export async function saveMemoEntry(client: KubeClient, a: SaveMemoEntry): Promise<ActionOutcome> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const outcome = await tryOnce(client, a);
    if (outcome) return outcome;
  }
  return { kind: 'transient', message: `cache ${a.namespace}/${a.configMap} kept changing; entry ${a.key} not saved` };
}
