// No credential in anything Argosy writes: unique random tokens, passwords, keys and certificate data
// are planted in rest-config entries (valid ones that work, and broken ones whose error paths are
// exercised: 401, bad CA, unparsable key material), workflows run through all of them, the CLI lists
// and checks the entries, and then everything the stack wrote is scanned: every log line (the
// injected logger sink, DEBUG level), every Workflow object, every Event in every cluster, and the
// CLI's stdout/stderr. The real credentials of the stack (admin tokens, Argosy's identity token) are
// scanned for too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { REMOTE_RULES } from '../../src/local/cluster-setup.ts';
import { adminClient, captureLog, chain, faultStack, isDone, type CapturedLog } from '../faults/helpers.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const REST_CONFIG = '/api/v1/namespaces/argosy-system/secrets/rest-config';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unique = (what: string) => `${what}${randomBytes(12).toString('hex')}`;

function placedIn(name: string, clusterName: string): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: {
      entrypoint: 'main',
      templates: [{ name: 'main', clusterName, namespace: 'argo', container: { image: 'argoproj/argosay:v2' } }],
    },
  } as Workflow;
}

describe('credentials never leak', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  const secrets = new Map<string, string>();
  let cli = '';
  const failingMessages: string[] = [];
  before(async () => {
    log = captureLog('DEBUG');
    stack = await faultStack(log, { maxReceiveCount: 2 });
    const other = stack.clusters.get('other');
    const main = stack.clusters.get('main');
    // A working entry under a second name with its own identity: its token is used for real.
    const good = other.createIdentity('planted', REMOTE_RULES);
    secrets.set('working bearer token', good.token);
    const fakeKey = `-----BEGIN PRIVATE KEY-----\n${unique('KEYDATA')}\n-----END PRIVATE KEY-----\n`;
    const fakeCert = `-----BEGIN CERTIFICATE-----\n${unique('CERTDATA')}\n-----END CERTIFICATE-----\n`;
    const plants = {
      rejected: unique('tok'),
      password: unique('pw'),
      badca: unique('tok'),
      keyField: fakeKey,
      certField: fakeCert,
      numberToken: unique('tok'),
    };
    secrets.set('rejected token', plants.rejected);
    secrets.set('basic-auth password', plants.password);
    secrets.set('token behind a wrong CA', plants.badca);
    secrets.set('key data', fakeKey.split('\n')[1]!);
    secrets.set('cert data', fakeCert.split('\n')[1]!);
    secrets.set('token in a malformed entry', plants.numberToken);
    const ca = { CAData: b64(other.caPem) };
    const entry = (o: Record<string, unknown>) => b64(JSON.stringify({ Host: other.url, ...o }));
    await stack.mainClient.request({
      method: 'PATCH',
      path: REST_CONFIG,
      contentType: 'application/merge-patch+json',
      body: {
        data: {
          'planted.': entry({ BearerToken: good.token, TLSClientConfig: ca }),
          'rejected.': entry({ BearerToken: plants.rejected, TLSClientConfig: ca }),
          'basic.': entry({ Username: 'argosy', Password: plants.password, TLSClientConfig: ca }),
          'badca.': entry({ BearerToken: plants.badca, TLSClientConfig: { CAData: b64(main.caPem) } }),
          'badkey.': entry({ TLSClientConfig: { ...ca, CertData: b64(fakeCert), KeyData: b64(fakeKey) } }),
          // A malformed entry that carries a token: its parse error must not quote the token.
          'malformed.': entry({ BearerToken: plants.numberToken, QPS: 'fast', TLSClientConfig: ca }),
        },
      },
    });
    secrets.set('main admin token', main.adminToken);
    secrets.set('other admin token', other.adminToken);
    const restConfig = await stack.mainClient.request<{ data: Record<string, string> }>({
      method: 'GET',
      path: REST_CONFIG,
    });
    const argosy = JSON.parse(Buffer.from(restConfig.data['other.']!, 'base64').toString()) as { BearerToken: string };
    secrets.set("Argosy's identity token", argosy.BearerToken);
    await stack.registry.refresh(true);
  });
  after(async () => {
    await stack?.stop();
  });

  test('workflows through every entry, and the CLI over them', async () => {
    const names: string[] = [];
    for (const key of ['planted', 'rejected', 'basic', 'badca', 'badkey', 'malformed'])
      names.push((await stack.submit(placedIn(key, key))).metadata.name!);
    names.push((await stack.submit(chain('normal', 2, { other: true }))).metadata.name!);
    // The working ones finish; the others fail or retry until dead-lettered (maxReceiveCount 2).
    await stack.waitFor('argo', names[0]!, isDone, 30_000);
    await stack.waitFor('argo', names.at(-1)!, isDone, 30_000);
    // A failing entry is decided by the engine (a 'waiting for cluster' or refused message on the node,
    // or the workflow's own message), so its error text lands in the workflow objects scanned below.
    const hasMessage = (wf: Workflow) =>
      Boolean(wf.status?.message) || Object.values(wf.status?.nodes ?? {}).some((n) => Boolean(n.message));
    // Every failing entry, the one whose client cannot even be built (bad key data) included, is
    // reported on the workflow (node message naming the entry), so its error text is scanned there.
    for (const name of names.slice(1, 6)) {
      const wf = await stack.waitFor('argo', name, hasMessage, 15_000);
      failingMessages.push(
        [wf.status?.message ?? '', ...Object.values(wf.status?.nodes ?? {}).map((n) => n.message ?? '')].join(' '),
      );
    }
    assert.match(
      failingMessages[3] ?? '',
      /rest-config entry "badkey\.": TLSClientConfig: certificate\/key data cannot be loaded/,
    );
    const env = { ...process.env, ARGOSY_HOME: join(ROOT, '.tmp-never-created'), KUBECONFIG: stack.kubeconfigPath };
    const cliRun = async (args: string[]) => {
      const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env }).catch(
        (e: { stdout?: string; stderr?: string }) => e,
      );
      return `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
    };
    const flags = ['--kubeconfig', stack.kubeconfigPath, '--context', 'main', '-n', 'argo'];
    const outs = await Promise.all([cliRun(['cluster', 'list', ...flags]), cliRun(['cluster', 'check', ...flags])]);
    cli = outs.join('\n');
    assert.match(cli, /planted\./, 'the CLI listed the entries');
    assert.match(cli, /rejected\.: .*401/, 'the CLI checked them (error paths included)');
  });

  test('no planted or real credential in logs, workflows, events or CLI output', async () => {
    const places: Record<string, string> = { 'log lines': log.lines.join('\n'), 'CLI output': cli };
    const wfs = await stack.mainClient.request<{ items: unknown[] }>({
      method: 'GET',
      path: '/apis/argoproj.io/v1alpha1/workflows',
    });
    places['workflow objects'] = JSON.stringify(wfs.items);
    for (const cluster of ['main', 'other']) {
      const client = adminClient(stack, cluster);
      try {
        const ev = await client.request<{ items: unknown[] }>({ method: 'GET', path: '/api/v1/events' });
        places[`events in ${cluster}`] = JSON.stringify(ev.items);
      } finally {
        client.close();
      }
    }
    // Positive control on what matters: the error paths of the planted entries were reported (in the
    // workflow objects scanned here); how many log lines there are depends on timing.
    assert.equal(failingMessages.length, 5, 'the failing entries were tried');
    assert.ok(failingMessages.every((m) => m.trim().length > 0));
    assert.ok(log.lines.length > 10, 'there is something to scan');
    assert.ok(places['events in main']!.length > 10);
    // Positive control: the scan does find the planted values where they belong (the Secret).
    const stored = await stack.mainClient.request<{ data: Record<string, string> }>({
      method: 'GET',
      path: REST_CONFIG,
    });
    const decoded = Object.values(stored.data)
      .map((v) => Buffer.from(v, 'base64').toString())
      .join('\n');
    assert.ok(decoded.includes(secrets.get('rejected token')!));
    for (const [where, text] of Object.entries(places))
      for (const [what, value] of secrets) assert.ok(!text.includes(value), `${what} found in ${where}`);
  });
});
