/**
 * The argoexec image stand-in of the local kubelet: containers of Argo's executor image running
 * `argoexec init|wait|resource`, and containers whose command is `/var/run/argo/argoexec emissary -- …`, behave
 * as the executor contract describes (in production Argo's own binary does this). Init and wait run
 * in-process; emissary runs the user's command as a host process.
 */
import type { ContainerExit, RunningContainer, StartRequest } from '../runtime.ts';
import { repositoryOf } from '../images.ts';
import { runInit } from './init.ts';
import { runWait } from './wait.ts';
import { runResource } from './resource.ts';
import { startEmissary, type StartProcess } from './emissary.ts';
import { runAgent } from './agent.ts';
import { runData } from './data.ts';
import { runArtifactDelete } from './artifact-delete.ts';

const EMISSARY = '/var/run/argo/argoexec';

/** Starts the container as the argoexec stand-in, or returns undefined when it is not one. */
export function argoexecStandIn(req: StartRequest, startProcess: StartProcess): RunningContainer | undefined {
  const given = (req.container.command as string[] | undefined) ?? [];
  if (given[0] === EMISSARY && given[1] === 'emissary') return startEmissary(req, startProcess);
  if (repositoryOf(String(req.container.image ?? '')).repo !== 'argoproj/argoexec') return undefined;
  // No command runs the image's entrypoint, `argoexec`, with the args (the artifact GC pod).
  const command = given.length > 0 ? given : ['argoexec', ...((req.container.args as string[] | undefined) ?? [])];
  if (command[0] !== 'argoexec') return undefined;
  // The agent pod passes its subcommand as args (command is just `argoexec`), as Argo builds it.
  const argv = [...command, ...((req.container.args as string[] | undefined) ?? [])];
  const log = (line: string, level = 'info') =>
    req.onOutput(`time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(line)}\n`);
  let stopped = false;
  const abort = new AbortController();
  const fail = (e: unknown): ContainerExit => ({ exitCode: 64, message: (e as Error).message });
  let exited: Promise<ContainerExit>;
  if (command[1] === 'init') exited = runInit(req, log).catch(fail);
  else if (command[1] === 'wait') exited = runWait(req, () => stopped, log).catch(fail);
  else if (command[1] === 'resource') exited = runResource(req, abort.signal, log).catch(fail);
  else if (command[1] === 'data') exited = runData(req, command[2] ?? '{}', log).catch(fail);
  else if (argv[1] === 'agent') exited = runAgent(argv[2], req, abort.signal, log).catch(fail);
  else if (command[1] === 'artifact' && command[2] === 'delete') exited = runArtifactDelete(req, log).catch(fail);
  else
    exited = Promise.resolve({
      exitCode: 64,
      message: `argoexec ${command[1] ?? ''}: not supported by the local executor`,
    });
  return {
    exited,
    kill: () => {
      stopped = true;
      abort.abort();
    },
  };
}
