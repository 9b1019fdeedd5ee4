/**
 * Lookup of served resources by group/version/resource (and by kind, for CRD handling and OpenAPI).
 * Custom resources come and go at runtime as CRDs are created and deleted.
 */
import { type ResourceDef, builtinResources, resourceKey } from './resources.ts';

export class ResourceRegistry {
  private readonly defs = new Map<string, ResourceDef>();

  constructor() {
    for (const d of builtinResources()) this.add(d);
  }

  add(def: ResourceDef): void {
    this.defs.set(resourceKey(def.group, def.resource), def);
  }

  remove(group: string, resource: string): void {
    this.defs.delete(resourceKey(group, resource));
  }

  /** The resource served at group/version/resource, if any. */
  lookup(group: string, version: string, resource: string): ResourceDef | undefined {
    const def = this.defs.get(resourceKey(group, resource));
    return def && def.versions.includes(version) ? def : undefined;
  }

  byKey(rk: string): ResourceDef | undefined {
    return this.defs.get(rk);
  }

  all(): ResourceDef[] {
    return [...this.defs.values()];
  }

  /** Every group (core as '') with its served versions, preferred first. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const d of this.defs.values()) {
      const vs = out.get(d.group) ?? [];
      for (const v of d.versions) if (!vs.includes(v)) vs.push(v);
      out.set(d.group, vs);
    }
    return out;
  }

  /** Resources served in one group/version. */
  inGroupVersion(group: string, version: string): ResourceDef[] {
    return this.all().filter((d) => d.group === group && d.versions.includes(version));
  }
}
