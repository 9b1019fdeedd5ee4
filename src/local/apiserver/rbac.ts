/**
 * Bearer-token authentication and RBAC-like authorization. Identities carry rules in a compact
 * form (`resources: ['pods', 'pods/log', 'workflows.argoproj.io', '*']`); denials produce the
 * exact Forbidden message kube-apiserver's RBAC authorizer produces.
 */
import { randomBytes } from 'node:crypto';
import { forbidden } from './status.ts';

/** One allow rule. Omitting `namespaces` makes it cluster-wide; omitting `apiGroups` allows any group. */
export interface RbacRule {
  verbs: string[];
  /** `pods`, `pods/log`, `workflows.argoproj.io`, `workflows.argoproj.io/status` or `*`. */
  resources: string[];
  namespaces?: string[];
  apiGroups?: string[];
  /** Only these object names (as RBAC: never matches list, watch or create without a name). */
  resourceNames?: string[];
}

export interface Identity {
  name: string;
  token: string;
}

export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

interface Principal {
  name: string;
  /** Undefined = superuser (system:masters). */
  rules?: RbacRule[];
}

function resourceMatches(rule: string, a: RequestAttributes): boolean {
  if (rule === '*') return true;
  const [base, sub] = rule.split('/') as [string, string | undefined];
  const baseOk = base === '*' || base === a.resource || (a.group !== '' && base === `${a.resource}.${a.group}`);
  if (!baseOk) return false;
  if (sub === undefined) return !a.subresource;
  return sub === '*' || sub === a.subresource;
}

function ruleAllows(rule: RbacRule, a: RequestAttributes): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(a.verb)) return false;
  if (rule.apiGroups && !rule.apiGroups.includes('*') && !rule.apiGroups.includes(a.group)) return false;
  if (!rule.resources.some((r) => resourceMatches(r, a))) return false;
  if (rule.namespaces && !(a.namespace && rule.namespaces.includes(a.namespace))) return false;
  if (rule.resourceNames && !(a.name && rule.resourceNames.includes(a.name))) return false;
  return true;
}

export class Authenticator {
  private readonly byToken = new Map<string, Principal>();
  private readonly tokenOf_ = new Map<string, string>();

  constructor(readonly adminToken = randomBytes(24).toString('hex')) {
    this.byToken.set(adminToken, { name: 'kubernetes-admin' });
  }

  /** Adds (or replaces) an identity with a fresh token. */
  createIdentity(name: string, rules: RbacRule[]): Identity {
    this.revokeIdentity(name);
    const token = `${name.replace(/[^a-zA-Z0-9]/g, '')}.${randomBytes(20).toString('hex')}`;
    this.byToken.set(token, { name, rules: structuredClone(rules) });
    this.tokenOf_.set(name, token);
    return { name, token };
  }

  /** Identities with their tokens and rules (for persistence in dataDir). */
  exportIdentities(): Array<{ name: string; token: string; rules: RbacRule[] }> {
    return [...this.tokenOf_].map(([name, token]) => ({ name, token, rules: this.byToken.get(token)?.rules ?? [] }));
  }

  /** Re-installs a persisted identity with its old token. */
  restoreIdentity(name: string, token: string, rules: RbacRule[]): void {
    this.revokeIdentity(name);
    this.byToken.set(token, { name, rules: structuredClone(rules) });
    this.tokenOf_.set(name, token);
  }

  /** The token of an identity, if it exists (the local kubelet's ServiceAccount token projection). */
  tokenOf(name: string): string | undefined {
    return this.tokenOf_.get(name);
  }

  revokeIdentity(name: string): void {
    const t = this.tokenOf_.get(name);
    if (t) this.byToken.delete(t);
    this.tokenOf_.delete(name);
  }

  /** The principal behind `Authorization: Bearer <token>`; null = bad token; undefined = anonymous. */
  authenticate(header: string | undefined): Principal | null | undefined {
    if (!header) return undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m) return null;
    return this.byToken.get(m[1]!) ?? null;
  }

  /** False for superusers (admin): nothing restricts them. */
  hasRules(p: Principal): boolean {
    return !!p.rules;
  }

  isAllowed(p: Principal, a: RequestAttributes): boolean {
    if (!p.rules) return true;
    return p.rules.some((r) => ruleAllows(r, a));
  }

  /** Throws 403 with kube-apiserver's RBAC wording when `p` may not do `a`. */
  authorize(p: Principal, a: RequestAttributes): void {
    if (this.isAllowed(p, a)) return;
    const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
    const msg = `User "${p.name}" cannot ${a.verb} resource "${res}" in API group "${a.group}" ${scope}`;
    throw forbidden({ resource: a.resource, group: a.group }, a.name, msg);
  }

  /** Rules for SelfSubjectRulesReview in one namespace. */
  rulesFor(p: Principal, namespace: string): RbacRule[] {
    if (!p.rules) return [{ verbs: ['*'], resources: ['*'], apiGroups: ['*'] }];
    return p.rules.filter((r) => !r.namespaces || r.namespaces.includes(namespace));
  }
}

export type { Principal };
