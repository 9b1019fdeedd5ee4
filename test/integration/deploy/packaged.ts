// Packages the real serverless.yml offline with osls (no AWS account, no login) into a temp
// directory, for the deploy tests that read the CloudFormation template it would deploy.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export type Json = Record<string, unknown>;
export interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: string[];
}
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
export interface Packaged {
  outDir: string;
  templatePath: string;
  resources: Record<string, Resource>;
  outputs: Record<string, Json>;
  remove(): Promise<void>;
}

/** `npx osls package --stage test` into a fresh directory (artifacts outside the repository). */
export async function packageService(params: string[] = []): Promise<Packaged> {
  const outDir = await mkdtemp(join(tmpdir(), 'argosy-sls-'));
  await run('npx', ['osls', 'package', '--stage', 'test', '--package', outDir, ...params.map((p) => `--param=${p}`)], {
    cwd: repoRoot,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    timeout: 120_000,
  });
  const templatePath = join(outDir, 'cloudformation-template-update-stack.json');
  const template = JSON.parse(await readFile(templatePath, 'utf8'));
  return {
    outDir,
    templatePath,
    resources: template.Resources,
    outputs: template.Outputs,
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}

/** Every Allow statement of a role's inline policies. */
export function statementsOf(resources: Record<string, Resource>, roleId: string): Statement[] {
  const role = resources[roleId];
  if (!role) throw new Error(`no role ${roleId} in the template`);
  const policies = role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

export const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
