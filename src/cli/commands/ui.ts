/**
 * `argosy ui [--port N] [--no-open]`: serves the web UI (ui/) on 127.0.0.1 with the same cluster
 * access as the other commands (`--kubeconfig`, `KUBECONFIG`, a running `argosy dev`,
 * `~/.kube/config`). Prints the URL with its per-process token and opens it in the browser.
 * The server module is loaded only here, so other commands never pay for it.
 */
import { spawn } from 'node:child_process';
import { Command } from 'commander';
import type { CliContext } from '../lib/context.ts';
import { contextOf } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { attachNodeStatus, resolveTarget, type Target } from '../lib/kube-target.ts';

/** Argo's UI port. */
export const DEFAULT_UI_PORT = 2746;

interface UiOpts {
  port: string;
  open: boolean;
}

/** Opens `url` in the desktop's browser; failures only print a hint (headless machines have none). */
export function openBrowser(url: string, ctx: CliContext): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => ctx.io.err(`argosy: could not open a browser (${cmd}); open the URL above\n`));
    child.unref();
  } catch {
    ctx.io.err(`argosy: could not open a browser; open the URL above\n`);
  }
}

/** Starts the UI server for a resolved target (also used by `argosy dev`). */
export async function startUi(ctx: CliContext, target: Target, port: number) {
  const { startUiServer, UiNotBuiltError } = await import('../../../ui/server/server.ts');
  try {
    return await startUiServer({ backend: { target, logger: ctx.logger }, port });
  } catch (e) {
    if (e instanceof UiNotBuiltError) throw usageError(e.message, 'build it once with `npm run build:ui`');
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw usageError(`port ${port} is in use on 127.0.0.1`, 'pass --port N (or --port 0 for any free port)');
    }
    throw e;
  }
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port ${text}: expected 0..65535`);
  return port;
}

export function makeUiCommand(): Command {
  return new Command('ui')
    .description('serve the web UI on 127.0.0.1: workflows, graphs with where each step ran, logs, clusters')
    .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', String(DEFAULT_UI_PORT))
    .option('--no-open', 'do not open a browser')
    .action(async (opts: UiOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const port = parsePort(opts.port);
      const target = attachNodeStatus(ctx, await resolveTarget(ctx));
      try {
        const ui = await startUi(ctx, target, port);
        ctx.io.out(
          `Argosy UI: ${ui.loginUrl}\n  cluster ${target.mainCluster} (context ${target.context}), namespace ${target.namespace}; Ctrl-C stops it\n`,
        );
        if (opts.open) openBrowser(ui.loginUrl, ctx);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await ui.close();
      } finally {
        target.close();
      }
    });
}
