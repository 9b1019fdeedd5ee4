/**
 * Placement policy rules without a YAML parser: the document schema, its evaluation, and a loader that
 * imports `yaml` only when there is a document to parse. The Lambda functions import this module;
 * ./policy.ts adds the synchronous loader (CLI, tests) and re-exports the rest.
 *
 * A versioned document (`apiVersion: argosy.io/v1alpha1`, `kind: PlacementPolicy`) of Allow and Deny
 * rules with globs. A target is allowed when at least one Allow rule matches and no Deny rule does:
 * **deny wins**, so rule order never matters. The default policy allows a workflow to use its own
 * namespace name in any configured cluster and nothing else.
 */
import { readFileSync } from 'node:fs';
// zod/mini: the Lambda bundles reach this module (full zod is several times larger; docs/performance.md).
import * as z from 'zod/mini';
import '../zod-en.ts';
import type { PlacementCheck, PlacementTarget } from '../engine/contract.ts';
import type { ClusterRegistry } from '../ports/kube.ts';

/** Stands for the workflow's own namespace in `namespaces` patterns. */
export const WORKFLOW_NAMESPACE = '$workflowNamespace';

const patterns = z.array(z.string().check(z.minLength(1))).check(z.minLength(1));

const RuleSchema = z.strictObject({
  name: z.optional(z.string()),
  effect: z._default(z.enum(['Allow', 'Deny']), 'Allow'),
  /** Globs over the Workflow's namespace. Default `*`. */
  workflowNamespaces: z._default(patterns, ['*']),
  /** Globs over the target cluster name. Default `*`. */
  clusters: z._default(patterns, ['*']),
  /** Globs over the target namespace; `$workflowNamespace` is replaced by the workflow's namespace. */
  namespaces: z._default(patterns, [WORKFLOW_NAMESPACE]),
  /** Globs over the pod's service account (`default` when unset). Default `*`. */
  serviceAccounts: z._default(patterns, ['*']),
});

const PolicySchema = z.strictObject({
  apiVersion: z.literal('argosy.io/v1alpha1'),
  kind: z.literal('PlacementPolicy'),
  metadata: z.optional(z.looseObject({ name: z.optional(z.string()) })),
  spec: z.strictObject({ rules: z.array(RuleSchema) }),
});

export type PlacementRule = z.infer<typeof RuleSchema>;
export type PlacementPolicy = z.infer<typeof PolicySchema>;

/** An invalid policy document. Terminal (configuration error). */
export class PlacementPolicyError extends Error {
  override name = 'PlacementPolicyError' as const;
  readonly terminal = true;
}

/** The default: same namespace name as the workflow, any configured cluster. */
export const DEFAULT_PLACEMENT_POLICY: PlacementPolicy = Object.freeze({
  apiVersion: 'argosy.io/v1alpha1',
  kind: 'PlacementPolicy',
  metadata: { name: 'default' },
  spec: {
    rules: [
      {
        name: 'same-namespace',
        effect: 'Allow',
        workflowNamespaces: ['*'],
        clusters: ['*'],
        namespaces: [WORKFLOW_NAMESPACE],
        serviceAccounts: ['*'],
      },
    ],
  },
}) as PlacementPolicy;

/**
 * The policy text `source` stands for: inline YAML/JSON, or the content of the file it names when it is
 * a path ending in `.yaml`/`.yml`/`.json`. `undefined` when empty (the default policy applies).
 */
export function placementPolicyText(
  source: string,
  readFile = (p: string) => readFileSync(p, 'utf8'),
): string | undefined {
  const trimmed = source.trim();
  if (!trimmed) return undefined;
  if (trimmed.includes('\n') || !/\.(ya?ml|json)$/.test(trimmed)) return trimmed;
  try {
    return readFile(trimmed);
  } catch (cause) {
    throw new PlacementPolicyError(`cannot read placement policy file ${trimmed}`, { cause });
  }
}

/** Parses policy text with `parseYaml` (YAML is a superset of JSON) and validates the document. */
export function parsePlacementPolicy(text: string, parseYaml: (text: string) => unknown): PlacementPolicy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw new PlacementPolicyError(`placement policy is not valid YAML/JSON: ${(cause as Error).message}`, { cause });
  }
  const parsed = PolicySchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`);
    throw new PlacementPolicyError(`invalid placement policy: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * `loadPlacementPolicy` (./policy.ts) for the Lambda functions: the same parsing, with the `yaml`
 * package imported only when there is a policy to parse — most installs use the default policy, and
 * importing `yaml` up front would add to every cold start.
 *
 * @example
 * const policy = await loadPlacementPolicyLazy(config.placementPolicy);
 */
export async function loadPlacementPolicyLazy(
  source: string,
  readFile = (p: string) => readFileSync(p, 'utf8'),
): Promise<PlacementPolicy> {
  const text = placementPolicyText(source, readFile);
  if (text === undefined) return DEFAULT_PLACEMENT_POLICY;
  const { parse } = await import('yaml');
  return parsePlacementPolicy(text, (t) => parse(t));
}

/** Glob with `*` (any run) and `?` (one character); everything else literal. */
export function globMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

function ruleMatches(rule: PlacementRule, t: PlacementTarget): boolean {
  const any = (list: string[], value: string, subst = false) =>
    list.some((p) => globMatch(subst ? p.split(WORKFLOW_NAMESPACE).join(t.workflowNamespace) : p, value));
  return (
    any(rule.workflowNamespaces, t.workflowNamespace) &&
    any(rule.clusters, t.cluster) &&
    any(rule.namespaces, t.namespace, true) &&
    any(rule.serviceAccounts, t.serviceAccountName || 'default')
  );
}

/** The outcome of evaluating a policy for one target. */
export interface PlacementVerdict {
  allowed: boolean;
  /** The deciding rule: the first matching Deny, else the first matching Allow. */
  rule?: { index: number; name?: string };
}

export function evaluatePlacement(policy: PlacementPolicy, target: PlacementTarget): PlacementVerdict {
  let allow: PlacementVerdict['rule'];
  for (const [index, rule] of policy.spec.rules.entries()) {
    if (!ruleMatches(rule, target)) continue;
    if (rule.effect === 'Deny') return { allowed: false, rule: { index: index + 1, name: rule.name } };
    allow ??= { index: index + 1, name: rule.name };
  }
  return allow ? { allowed: true, rule: allow } : { allowed: false };
}

const describeRule = (r: { index: number; name?: string }) => `policy rule ${r.index}${r.name ? ` "${r.name}"` : ''}`;

/**
 * The denial message for a target, or `undefined` when the policy allows it. With `ownPlace` (the
 * workflow's own namespace of the main cluster, where Argo itself would run it) no Allow rule is
 * needed, but a matching Deny rule still refuses it: deny wins everywhere.
 */
export function placementDenial(
  policy: PlacementPolicy,
  target: PlacementTarget,
  ownPlace = false,
): string | undefined {
  const v = evaluatePlacement(policy, target);
  if (v.allowed || (ownPlace && !v.rule)) return undefined;
  const why = v.rule ? `denied by ${describeRule(v.rule)}` : 'no policy rule allows it';
  return (
    `placement denied: workflows in namespace "${target.workflowNamespace}" may not run pods in ` +
    `"${target.cluster}.${target.namespace}" (${why})`
  );
}

/**
 * The engine's {@link PlacementCheck}: the policy first, then whether the registry has credentials
 * for the target (its "not configured" / invalid-entry message). The workflow's own namespace of the
 * main cluster needs no Allow rule and no entry (the main client reaches it), but Deny rules apply
 * there too. Pure over the registry's last load.
 *
 * @example
 * snapshot.checkPlacement = checkPlacement(await loadPlacementPolicyLazy(config.placementPolicy), registry);
 */
export function checkPlacement(
  policy: PlacementPolicy,
  registry: Pick<ClusterRegistry, 'describeTarget'> & { mainCluster?: string },
): PlacementCheck {
  return (target) => {
    const own = target.cluster === registry.mainCluster && target.namespace === target.workflowNamespace;
    const denied = placementDenial(policy, target, own);
    if (denied || own) return denied;
    const d = registry.describeTarget(target.cluster, target.namespace);
    return 'error' in d ? d.error : undefined;
  };
}
