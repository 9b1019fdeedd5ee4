/**
 * The harness of the artifact conformance files (argo-local-artifacts-*.test.ts): Argo's artifact
 * examples and e2e cases (../shared/conformance/argo-upstream) through the whole local stack —
 * ConfigMap artifact-repositories, the S3 emulator (fauxqs), the executor stand-in's init/wait moving
 * bytes with real S3 calls. Each case reaches the phase Argo reaches (manifest.json). Internet URLs of
 * `http` artifacts are served from a loopback HTTP server (the same path under
 * `http://127.0.0.1:<port>/<host>`), and the two "environment" examples that name an AWS bucket get the
 * emulator as their endpoint, their Secret and their object, as a user would prepare them. The cases are
 * split over files so each file fits the runner's per-file time limit on a loaded machine.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import { parseWorkflows } from '../../src/engine/index.ts';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import { s3Store } from '../../src/adapters/artifacts/s3.ts';
import { SHARED } from '../integration/cli/cli-helpers.ts';
import { adminClient, bucketObject as readBucket } from '../integration/pipeline/helpers.ts';
import { CORRECTED } from '../../scripts/corpus-setup.ts';

const DIR = join(SHARED, 'conformance/argo-upstream');
interface ManifestCase {
  file: string;
  expected: string;
}
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { cases: ManifestCase[] };
/** Argo's phase: the manifest's, or where it only judged one, what Argo's code decides (corpus-setup.ts says why). */
export const expected = (file: string): string =>
  CORRECTED[file]?.expected ?? manifest.cases.find((c) => c.file === file)?.expected ?? '?';
const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

/** Reads an object of the local repository's bucket. */
export const bucketObject = (key: string): Promise<Buffer | undefined> => readBucket(stack, key);

/**
 * Submits every case at once (when the suite starts) and adds one test per case checking Argo's phase.
 * Returns `run(file)`, the finished workflow of a case, for the file's own checks.
 */
export function phaseTests(cases: string[]): (file: string) => Promise<Workflow> {
  const results = new Map<string, Promise<Workflow>>();
  const run = (file: string): Promise<Workflow> => {
    let p = results.get(file);
    if (!p) {
      p = stack.submit(load(file), 'argo').then((s) => stack.waitFor('argo', s.metadata.name ?? '', done, 170_000));
      results.set(file, p);
    }
    return p;
  };
  before(() => {
    for (const file of cases) run(file).catch(() => undefined);
  });
  for (const file of cases) {
    test(`${file} → ${expected(file)}`, async () => {
      const wf = await run(file);
      const why = Object.values(wf.status?.nodes ?? {})
        .filter((n) => n.message)
        .map((n) => `${n.displayName}: ${n.phase} ${n.message}`)
        .join('; ');
      assert.ok(
        expected(file)
          .split('|')
          .includes(wf.status?.phase ?? ''),
        `${file}: ${wf.status?.phase} ${wf.status?.message ?? ''} (${why})`,
      );
    });
  }
  return run;
}

/** What the loopback server answers for a path (`/<host>/<path>`); undefined = 404. */
function served(path: string): { type: string; body: string } | undefined {
  // A stand-in for the kubectl binary the examples download: prints a version like kubectl does.
  if (path.endsWith('/kubectl'))
    return { type: 'application/octet-stream', body: '#!/bin/sh\necho "Client Version: v1.8.0"\n' };
  if (path.startsWith('/date.jsontest.com')) return { type: 'application/json', body: '{"date": "12-06-2026"}\n' };
  return undefined;
}

/** The workflow text with internet URLs pointing at the loopback server. */
function loopback(text: string, base: string): string {
  return text.replace(/https?:\/\/([a-z0-9.-]+\.(com|org|io))/g, `${base}/$1`);
}

/** The AWS examples with the emulator as endpoint (the user's own bucket and Secret, prepared below). */
function toEmulator(wf: Workflow, endpoint: string): Workflow {
  const text = JSON.stringify(wf).replaceAll(
    '"endpoint":"s3.amazonaws.com"',
    `"endpoint":"${endpoint}","insecure":true`,
  );
  return JSON.parse(text) as Workflow;
}

let stack: LocalStack;
let server: Server;
let base = '';

/** The stack of the running file (one per test file). */
export const artifactStack = (): LocalStack => stack;

async function prepareAwsExamples(): Promise<void> {
  const admin = adminClient(stack, 'main');
  try {
    await admin.request({
      method: 'POST',
      path: '/api/v1/namespaces/argo/secrets',
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'my-s3-credentials' },
        stringData: { accessKey: 'user-key', secretKey: 'user-secret' },
      },
    });
  } finally {
    admin.close();
  }
  for (const bucket of ['my-bucket', 'my-bucket-name']) {
    const store = s3Store({
      endpoint: stack.sqsEndpoint,
      bucket,
      credentials: { accessKeyId: 'user-key', secretAccessKey: 'user-secret' },
    });
    try {
      await store.ensureBucket();
      if (bucket === 'my-bucket-name') await store.put('path/in/bucket', Buffer.from('user data\n'));
    } finally {
      store.close();
    }
  }
}

/** Starts the loopback server and the stack for this file's suite. */
export function useArtifactStack(): void {
  before(async () => {
    server = createServer((req, res) => {
      const found = served(req.url ?? '');
      res.writeHead(found ? 200 : 404, { 'content-type': found?.type ?? 'text/plain' });
      res.end(found?.body ?? 'not found\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    stack = await startLocalStack({ runtime: 'process', resyncIntervalMs: 2000 });
    await prepareAwsExamples();
  });
  after(async () => {
    await stack?.stop();
    await new Promise((r) => server?.close(r));
  });
}

function load(file: string): Workflow {
  const wf = parseWorkflows(loopback(readFileSync(join(DIR, file), 'utf8'), base)).workflows[0] as Workflow;
  return toEmulator(wf, new URL(stack.sqsEndpoint).host);
}

export const nodeNamed = (wf: Workflow, suffix: string): NodeStatus | undefined =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.name === `${wf.metadata.name}${suffix}`);
