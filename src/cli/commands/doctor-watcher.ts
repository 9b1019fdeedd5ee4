/** `argosy doctor`'s look at the watcher: its /healthz endpoint (reached through a port-forward). */
import { errText, type Finding } from './doctor-checks.ts';
import type { OpsDeps } from '../lib/ops-deps.ts';

/** GETs the watcher's /healthz. */
export async function checkWatcher(deps: OpsDeps, url: string | undefined): Promise<Finding[]> {
  const check = 'watcher';
  if (!url) {
    return [
      {
        check,
        status: 'skip',
        detail: 'no --watcher-url',
        advice: 'kubectl -n argo port-forward deploy/argosy-watcher 9090, then --watcher-url http://127.0.0.1:9090',
      },
    ];
  }
  const healthz = url.replace(/\/+$/, '').endsWith('/healthz') ? url : `${url.replace(/\/+$/, '')}/healthz`;
  try {
    const res = await deps.fetch(healthz, { signal: AbortSignal.timeout(5000) });
    const body = (await res.text()).slice(0, 200);
    return res.ok
      ? [{ check, status: 'ok', detail: `${healthz}: ${res.status} ${body}`.trim() }]
      : [
          {
            check,
            status: 'fail',
            detail: `${healthz}: HTTP ${res.status} ${body}`,
            advice: 'kubectl -n argo logs deploy/argosy-watcher',
          },
        ];
  } catch (e) {
    return [
      {
        check,
        status: 'fail',
        detail: `${healthz}: ${errText(e)}`,
        advice: 'is the watcher running? kubectl -n argo get pods -l app.kubernetes.io/name=argosy-watcher',
      },
    ];
  }
}
