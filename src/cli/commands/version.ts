/**
 * `argosy version [--short]`: the client as `argo version` prints itself, then the main cluster's
 * Kubernetes version when one is reachable (argo asks its server; argosy has none).
 */
import { Command } from 'commander';
import { getServerVersion } from '../../adapters/kube/resources.ts';
import { contextOf } from '../lib/context.ts';
import { resolveTarget } from '../lib/kube-target.ts';
import { VERSION } from '../lib/version.ts';

export { VERSION };

export function makeVersionCommand(): Command {
  return new Command('version')
    .description('print version information (client, and the main cluster when reachable)')
    .option('--short', 'print just the version number')
    .action(async (opts: { short?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      ctx.io.out(`argosy: v${VERSION}\n`);
      if (opts.short) return;
      ctx.io.out(`  NodeVersion: ${process.version}\n  Platform: ${process.platform}/${process.arch}\n`);
      try {
        const target = await resolveTarget(ctx);
        try {
          const v = await getServerVersion(target.client);
          ctx.io.out(`kubernetes (${target.mainCluster}): ${v.gitVersion}\n`);
        } finally {
          target.close();
        }
      } catch {
        ctx.io.out('kubernetes: no cluster reachable (start `argosy dev` or pass --kubeconfig)\n');
      }
    });
}
