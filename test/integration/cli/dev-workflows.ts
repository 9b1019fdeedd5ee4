/**
 * `argosy dev` for one test file of Argo's e2e cases: started before its tests, stopped after, and its
 * workflows read through the stack's kubeconfig as a user's tools read them.
 */
import { after, before } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientFromKubeconfig } from '../../../src/clusters/kubeconfig.ts';
import { getWorkflow } from '../../../src/adapters/kube/resources.ts';
import type { DevState } from '../../../src/cli/lib/dev-state.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { scratch, startDev, type DevStack } from './cli-helpers.ts';

export interface DevWorkflows {
  /** The stack's home (`ARGOSY_HOME` is `<dir>/.argosy`), where the CLI finds it. */
  dir: string;
  state: () => DevState;
  /** What `argosy dev` printed, for failure messages. */
  output: () => string;
  workflow: (name: string) => Promise<Workflow>;
  /** Polls the workflow until `ok` (the machine is loaded: generous, never a timing assertion). */
  until: (name: string, ok: (wf: Workflow) => boolean) => Promise<Workflow>;
}

export function devForFile(env: Record<string, string> = {}): DevWorkflows {
  const dir = scratch();
  let dev: DevStack | undefined;
  let state: DevState | undefined;
  before(async () => {
    dev = await startDev(dir, 'main', env);
    state = JSON.parse(readFileSync(join(dir, '.argosy', 'dev.json'), 'utf8')) as DevState;
  });
  after(async () => dev?.stop());
  const started = (): DevState => {
    if (!state) throw new Error('argosy dev has not started');
    return state;
  };
  const workflow = async (name: string): Promise<Workflow> => {
    const s = started();
    const { client } = await clientFromKubeconfig({ kubeconfig: s.kubeconfigPath, context: s.mainContext });
    try {
      return await getWorkflow<Workflow>(client, 'argo', name);
    } finally {
      client.close();
    }
  };
  const until = async (name: string, ok: (wf: Workflow) => boolean): Promise<Workflow> => {
    for (let i = 0; ; i++) {
      const wf = await workflow(name);
      if (ok(wf)) return wf;
      if (i > 1200) throw new Error(`${name}: condition not reached: ${JSON.stringify(wf.status)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { dir, state: started, output: () => dev?.output() ?? '', workflow, until };
}
