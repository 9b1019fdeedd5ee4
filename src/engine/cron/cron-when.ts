/**
 * A CronWorkflow's `when` and `stopStrategy.expression` (Argo's evalWhen / checkStopingCondition with
 * expressionEnv): `cronworkflow.*` variables, `lastScheduledTime` a time value (nil before the first
 * run), `now()` the evaluation's clock — passed in by the cron handler, so the decision stays pure.
 */
import { shouldExecute } from '../expr/govaluate.ts';
import { evaluateExpr } from '../expr/index.ts';
import { goJson, type Value, type VMap } from '../expr/values.ts';
import { GoTime } from '../expr/time-values.ts';
import { substituteString } from '../substitute.ts';

/** The fields of a CronWorkflow its expressions read. */
interface CronWorkflow {
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  status?: { lastScheduledTime?: string | null; failed?: number; succeeded?: number } | null;
  spec: { when?: string; stopStrategy?: { expression: string } };
}

/** The `cronworkflow.*` variables of an expression (Argo's expressionEnv). */
export function cronEnv(cron: CronWorkflow): VMap {
  const last = Date.parse(cron.status?.lastScheduledTime ?? '');
  return {
    name: cron.metadata.name ?? '',
    namespace: cron.metadata.namespace ?? '',
    labels: { ...(cron.metadata.labels ?? {}) },
    annotations: { ...(cron.metadata.annotations ?? {}) },
    failed: cron.status?.failed ?? 0,
    succeeded: cron.status?.succeeded ?? 0,
    'labels.json': JSON.stringify(cron.metadata.labels ?? {}),
    'annotations.json': JSON.stringify(cron.metadata.annotations ?? {}),
    lastScheduledTime: Number.isNaN(last) ? null : new GoTime(last),
  };
}

/** A value as Argo's template replacement writes it (strings as they are, others as JSON). */
function written(v: Value): string {
  return typeof v === 'string' ? v : goJson(v);
}

/** `{{=…}}` tags of `text` evaluated over `cronworkflow.*` at `nowMs` (Argo's expressionReplace, strict). */
function replaceExpressions(text: string, env: VMap, nowMs: number): string {
  let out = '';
  let i = 0;
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', i)) {
    const close = text.indexOf('}}', open + 2);
    const body = close < 0 ? '' : text.slice(open + 2, close).trim();
    if (!body.startsWith('=')) {
      out += text.slice(i, open + 2);
      i = open + 2;
      continue;
    }
    const expression = body.slice(1);
    let result: Value;
    try {
      result = evaluateExpr(expression, { cronworkflow: env }, nowMs);
    } catch (e) {
      throw new Error(`failed to evaluate expression: ${(e as Error).message}`, { cause: e });
    }
    if (result === null) throw new Error(`failed to evaluate expression ${JSON.stringify(expression)}`);
    out += text.slice(i, open) + written(result);
    i = close + 2;
  }
  return out + text.slice(i);
}

/** Whether `spec.when` lets a run start at `nowMs` (true without one); throws Argo's errors. */
export function whenAllows(cron: CronWorkflow, nowMs: number): boolean {
  if (!cron.spec.when) return true;
  const env = cronEnv(cron);
  const when = substituteString(replaceExpressions(cron.spec.when, env, nowMs), (tag) => {
    if (!tag.startsWith('cronworkflow.')) return undefined;
    const v = env[tag.slice('cronworkflow.'.length)];
    return v === undefined || v === null ? undefined : written(v);
  });
  return shouldExecute(when);
}

/** Whether `stopStrategy.expression` holds at `nowMs`; throws Argo's errors. */
export function stopReached(cron: CronWorkflow, nowMs: number): boolean {
  const expr = cron.spec.stopStrategy?.expression;
  if (!expr) return false;
  const result = evaluateExpr(expr, { cronworkflow: cronEnv(cron) }, nowMs);
  if (typeof result !== 'boolean')
    throw new Error(`failed to evaluate stop expression: expected bool, got ${String(result)}`);
  return result;
}
