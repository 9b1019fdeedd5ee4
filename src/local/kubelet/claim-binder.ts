/**
 * The local clusters' minimal storage provisioner: every Pending PersistentVolumeClaim is bound at once
 * to a volume named `pvc-<uid>` with the requested storage and access modes (as a dynamic provisioner
 * with `Immediate` binding does), and a deleted claim's data directory goes with it. The data lives in
 * one host directory per claim (`<workDir>/<namespace>/.claims/<claim>`), shared by every pod mounting it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../logger.ts';
import type { ClusterState } from '../apiserver/objects.ts';
import type { KubeObject } from '../apiserver/resources.ts';
import type { StoreEvent } from '../apiserver/store.ts';

const CLAIMS = '/persistentvolumeclaims';

/** The host directory of claim `name` in a namespace directory (`<workDir>/<namespace>`). */
export function claimDirIn(namespaceDir: string, name: string): string {
  return join(namespaceDir, '.claims', name);
}

export class ClaimBinder {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly state: ClusterState,
    private readonly workDir: string,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.unsubscribe = this.state.store.subscribe((e) => this.onEvent(e));
    for (const claim of this.state.store.list(CLAIMS)) this.later(claim);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private onEvent(e: StoreEvent): void {
    if (e.rk !== CLAIMS) return;
    if (e.type === 'DELETED')
      rmSync(claimDirIn(join(this.workDir, e.namespace), e.object.metadata.name), { recursive: true, force: true });
    else this.later(e.object);
  }

  /** Binds outside the store's listener (a write from inside one would nest events). */
  private later(claim: KubeObject): void {
    if (claim.status?.phase !== 'Pending' || claim.metadata.deletionTimestamp) return;
    setImmediate(() => this.bind(claim.metadata.namespace, claim.metadata.name));
  }

  private bind(namespace: string, name: string): void {
    const def = this.state.registry.byKey(CLAIMS)!;
    const claim = this.state.store.get(CLAIMS, namespace, name);
    if (!claim || claim.status?.phase !== 'Pending' || claim.metadata.deletionTimestamp) return;
    try {
      const volumeName = claim.spec?.volumeName || `pvc-${String(claim.metadata.uid)}`;
      const bound = this.state.update(def, namespace, name, { ...claim, spec: { ...claim.spec, volumeName } });
      const status = {
        phase: 'Bound',
        accessModes: bound.spec?.accessModes ?? [],
        capacity: { storage: bound.spec?.resources?.requests?.storage },
      };
      this.state.update(def, namespace, name, { ...bound, status }, 'status');
    } catch (e) {
      this.logger.debug('claim bind failed', { namespace, claim: name, err: e });
    }
  }
}
