/**
 * Operations commands: `replay`, `controller`, `resync`, `doctor`. Each works against an AWS
 * deployment (stack outputs / flags) or the local `argosy dev` stack (src/cli/ops/deployment-target.ts).
 */
export { makeControllerCommand } from './controller.ts';
export { makeDoctorCommand } from './doctor.ts';
export { makeReplayCommand } from './replay.ts';
export { makeResyncCommand } from './resync.ts';
export type { OpsDeps } from './deps.ts';
