// Thin entry for `argosy cluster ...` on its own (tests run it as a subprocess; main.ts wires
// makeClusterCommand into the full CLI).
import { runClusterCli } from './commands/cluster.ts';

process.exitCode = await runClusterCli(process.argv.slice(2), {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  exitCode: 0,
});
