/** The two embedded API servers the tape recorders run against, and admin/limited clients for them. */
import { startLocalClusters, type LocalClusterOptions, type RbacRule } from '../../../../src/local/clusters.ts';
import { createKubeClient, type HttpKubeClient } from '../../../../src/adapters/kube/http-client.ts';

export interface TapeClusters {
  /** A client of `name` with the admin token, or with a new identity allowed exactly `rules`. */
  client(name: string, rules?: RbacRule[]): HttpKubeClient;
  stop(): Promise<void>;
}

/** Clusters `main` and `other` without kubelets (nothing runs; the recorder sets pod states itself). */
export async function tapeClusters(opts: Omit<LocalClusterOptions, 'names' | 'kubelet'>): Promise<TapeClusters> {
  const clusters = await startLocalClusters({ names: ['main', 'other'], kubelet: false, ...opts });
  const opened: HttpKubeClient[] = [];
  return {
    client(name, rules) {
      const c = clusters.get(name);
      const token = rules ? c.createIdentity('argosy', rules).token : c.adminToken;
      const k = createKubeClient({
        cluster: name,
        server: c.url,
        tls: { caPem: c.caPem },
        auth: { kind: 'bearer', token },
      });
      opened.push(k);
      return k;
    },
    async stop() {
      for (const k of opened) k.close();
      await clusters.stop();
    },
  };
}
