/**
 * kube-apiserver's checks of the pod-level fields Argo passes through from workflows (pkg/apis/core/
 * validation `ValidatePodSpec`: nodeSelector, tolerations, node affinity, hostAliases, dnsPolicy and
 * dnsConfig, activeDeadlineSeconds, schedulerName, priorityClassName, security contexts), with the
 * same field paths and messages, so a bad value in a workflow fails here as it would in a real cluster.
 */
import { isIP } from 'node:net';
import {
  forbiddenCause,
  invalidCause,
  invalidEach,
  isDns1123Subdomain,
  isLabelValue,
  isQualifiedName,
  notSupportedCause,
  requiredCause,
} from './field-errors.ts';
import type { KubeObject } from './resources.ts';
import type { StatusCause } from './status.ts';

const isObj = (v: unknown): v is KubeObject => !!v && typeof v === 'object' && !Array.isArray(v);
const listOf = (v: unknown): KubeObject[] => (Array.isArray(v) ? v.map((x) => (isObj(x) ? x : {})) : []);
const MAX_INT32 = 2147483647;
const IP_ERROR = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** `ValidateLabels` over a map (nodeSelector). */
function labelMapCauses(map: unknown, path: string): StatusCause[] {
  if (!isObj(map)) return [];
  return Object.entries(map).flatMap(([k, v]) => [
    ...invalidEach(path, k, isQualifiedName(k)),
    ...invalidEach(path, v, isLabelValue(String(v))),
  ]);
}

/** `validateTolerations`. */
function tolerationCauses(tolerations: unknown): StatusCause[] {
  return listOf(tolerations).flatMap((t, i) => {
    const at = `spec.tolerations[${i}]`;
    const causes: StatusCause[] = [];
    const key = String(t.key ?? '');
    const op = String(t.operator ?? '');
    if (key) causes.push(...invalidEach(`${at}.key`, key, isQualifiedName(key)));
    if (!key && op !== 'Exists')
      causes.push(
        invalidCause(
          `${at}.operator`,
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute')
      causes.push(
        invalidCause(`${at}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"),
      );
    if (op === 'Equal' || op === '')
      causes.push(...invalidEach(`${at}.operator`, t.value ?? '', isLabelValue(String(t.value ?? ''))));
    else if (op === 'Exists') {
      if (t.value) causes.push(invalidCause(`${at}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else causes.push(notSupportedCause(`${at}.operator`, op, ['Equal', 'Exists']));
    if (t.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect))
      causes.push(notSupportedCause(`${at}.effect`, t.effect, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']));
    return causes;
  });
}

/** `validateNodeSelectorRequirement` for the required node affinity terms. */
function nodeAffinityCauses(affinity: unknown): StatusCause[] {
  const required =
    isObj(affinity) && isObj(affinity.nodeAffinity)
      ? affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
      : undefined;
  if (!isObj(required)) return [];
  const base = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution';
  const terms = listOf(required.nodeSelectorTerms);
  if (terms.length === 0)
    return [requiredCause(`${base}.nodeSelectorTerms`, 'must have at least one node selector term')];
  return terms.flatMap((term, i) =>
    listOf(term.matchExpressions).flatMap((r, j) =>
      requirementCauses(r, `${base}.nodeSelectorTerms[${i}].matchExpressions[${j}]`),
    ),
  );
}

function requirementCauses(r: KubeObject, at: string): StatusCause[] {
  const values = Array.isArray(r.values) ? r.values : [];
  const causes: StatusCause[] = [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        causes.push(requiredCause(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0)
        causes.push(
          forbiddenCause(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1)
        causes.push(requiredCause(`${at}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      causes.push(
        notSupportedCause(`${at}.operator`, r.operator ?? '', ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn']),
      );
  }
  causes.push(...invalidEach(`${at}.key`, r.key ?? '', isQualifiedName(String(r.key ?? ''))));
  return causes;
}

/** `validateHostAliases`. */
function hostAliasCauses(aliases: unknown): StatusCause[] {
  return listOf(aliases).flatMap((a, i) => [
    ...(isIP(String(a.ip ?? '')) ? [] : [invalidCause(`spec.hostAliases[${i}].ip`, a.ip ?? '', IP_ERROR)]),
    ...(Array.isArray(a.hostnames) ? a.hostnames : []).flatMap((h: unknown, j: number) =>
      invalidEach(`spec.hostAliases[${i}].hostnames[${j}]`, h, isDns1123Subdomain(String(h))),
    ),
  ]);
}

/** `validateDNSPolicy` and `validatePodDNSConfig`. */
function dnsCauses(spec: KubeObject): StatusCause[] {
  const policy = spec.dnsPolicy;
  const config = spec.dnsConfig;
  const causes: StatusCause[] = [];
  const policies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (policy !== undefined && !policies.includes(policy))
    causes.push(notSupportedCause('spec.dnsPolicy', policy, policies));
  const nameservers: unknown[] = isObj(config) && Array.isArray(config.nameservers) ? config.nameservers : [];
  if (policy === 'None' && !isObj(config))
    return [...causes, requiredCause('spec.dnsConfig', 'must provide `dnsConfig` when `dnsPolicy` is None')];
  if (policy === 'None' && nameservers.length === 0)
    return [
      ...causes,
      requiredCause('spec.dnsConfig.nameservers', 'must provide at least one DNS nameserver when `dnsPolicy` is None'),
    ];
  if (!isObj(config)) return causes;
  if (nameservers.length > 3)
    causes.push(invalidCause('spec.dnsConfig.nameservers', nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => {
    if (!isIP(String(ns))) causes.push(invalidCause(`spec.dnsConfig.nameservers[${i}]`, ns, IP_ERROR));
  });
  listOf(config.options).forEach((o, i) => {
    if (!o.name) causes.push(requiredCause(`spec.dnsConfig.options[${i}]`, 'Option.Name must not be empty'));
  });
  return causes;
}

/** `ValidatePodSecurityContext` / `ValidateSecurityContext`: user and group IDs in range. */
export function securityContextCauses(sc: unknown, path: string): StatusCause[] {
  if (!isObj(sc)) return [];
  return ['runAsUser', 'runAsGroup', 'fsGroup']
    .filter((f) => sc[f] !== undefined && (Number(sc[f]) < 0 || Number(sc[f]) > MAX_INT32))
    .map((f) => invalidCause(`${path}.${f}`, sc[f], `must be between 0 and ${MAX_INT32}, inclusive`));
}

/** The pod-level causes of these fields, in kube-apiserver's order. */
export function podSurfaceCauses(spec: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  causes.push(...dnsCauses(spec));
  causes.push(...labelMapCauses(spec.nodeSelector, 'spec.nodeSelector'));
  causes.push(...securityContextCauses(spec.securityContext, 'spec.securityContext'));
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && (Number(ads) < 1 || Number(ads) > MAX_INT32))
    causes.push(invalidCause('spec.activeDeadlineSeconds', ads, `must be between 1 and ${MAX_INT32}, inclusive`));
  if (spec.schedulerName)
    causes.push(
      ...invalidEach('spec.schedulerName', spec.schedulerName, isDns1123Subdomain(String(spec.schedulerName))),
    );
  causes.push(...nodeAffinityCauses(spec.affinity));
  causes.push(...tolerationCauses(spec.tolerations));
  if (spec.priorityClassName)
    causes.push(
      ...invalidEach(
        'spec.priorityClassName',
        spec.priorityClassName,
        isDns1123Subdomain(String(spec.priorityClassName)),
      ),
    );
  causes.push(...hostAliasCauses(spec.hostAliases));
  return causes;
}
