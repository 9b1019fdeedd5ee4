/**
 * Synchronous clean-up when the process exits without a proper stop() (a test runner's
 * process.exit, an uncaught error): one 'exit' listener for all local clusters and kubelets.
 */
const hooks = new Set<() => void>();
let installed = false;

/** Runs `fn` if the process exits; returns a function that cancels it. */
export function onProcessExit(fn: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const h of [...hooks]) {
        try {
          h();
        } catch {
          // Best effort while exiting.
        }
      }
    });
  }
  hooks.add(fn);
  return () => hooks.delete(fn);
}
