import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { clientFromKubeconfig, listContexts } from '../../../src/clusters/kubeconfig.ts';
import { runKubeconfigPlugin } from '../../../src/clusters/kubeconfig-plugin.ts';
import { scratch, writeFile } from './cli-helpers.ts';

const dir = scratch();
let server: Server;
let url = '';
const seen: (string | undefined)[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"kind":"Status"}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(name: string, users: string, current = 'main'): string {
  return writeFile(
    dir,
    name,
    `apiVersion: v1
kind: Config
current-context: ${current}
clusters:
  - name: main
    cluster: { server: ${url}, insecure-skip-tls-verify: true }
contexts:
  - name: main
    context: { cluster: main, user: u, namespace: team-a }
  - name: other
    context: { cluster: main, user: u }
users:
${users}
`,
  );
}

describe('kubeconfig contexts for the CLI', () => {
  test('a token context: namespace, server, bearer header; contexts listed', async () => {
    const path = kubeconfig('token.yaml', '  - name: u\n    user: { token: tok-123 }');
    const { client, context } = await clientFromKubeconfig({ kubeconfig: path });
    try {
      assert.deepEqual(context, { path, context: 'main', namespace: 'team-a', server: url });
      await client.request({ method: 'GET', path: '/version' });
      assert.equal(seen.at(-1), 'Bearer tok-123');
      assert.deepEqual(listContexts(path), ['main', 'other']);
    } finally {
      client.close();
    }
  });

  test('an exec plugin context runs the plugin (through client-node)', async () => {
    const cred = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-exec' },
    });
    const script = writeFile(dir, 'plugin.sh', `cat <<'EOF'\n${cred}\nEOF\n`);
    const path = kubeconfig(
      'exec.yaml',
      `  - name: u\n    user:\n      exec: { apiVersion: client.authentication.k8s.io/v1, command: sh, args: [${script}], interactiveMode: Never }`,
    );
    const { client } = await clientFromKubeconfig({ kubeconfig: path, context: 'other', plugins: runKubeconfigPlugin });
    try {
      await client.request({ method: 'GET', path: '/version' });
      assert.equal(seen.at(-1), 'Bearer from-exec');
    } finally {
      client.close();
    }
  });

  test('without a plugin runner (the functions, the watcher) a plugin context is refused by name', async () => {
    const path = kubeconfig(
      'exec2.yaml',
      `  - name: u\n    user:\n      exec: { apiVersion: client.authentication.k8s.io/v1, command: sh }`,
    );
    await assert.rejects(
      clientFromKubeconfig({ kubeconfig: path, context: 'other' }),
      /context "other" .*exec\/auth-provider plugin, which only the CLI runs/,
    );
  });

  test('an unknown context is a usage error listing the known ones', async () => {
    const path = kubeconfig('bad.yaml', '  - name: u\n    user: { token: t }');
    await assert.rejects(
      clientFromKubeconfig({ kubeconfig: path, context: 'nope' }),
      (e: Error & { exitCode?: number; hint?: string }) => {
        assert.equal(e.exitCode, 2);
        assert.match(e.message, /context "nope" not found/);
        assert.match(e.hint ?? '', /known contexts: main, other/);
        return true;
      },
    );
  });
});
