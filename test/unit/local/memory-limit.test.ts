// The local kubelet's memory limits (issue 13): limits read as Kubernetes quantities, the resident memory
// of a container's process tree, and a container over its limit killed as the kernel would (OOMKilled, 137).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLimitBytes, treeRss } from '../../../src/local/kubelet/memory-limit.ts';
import { ProcessRuntime } from '../../../src/local/kubelet/process-runtime.ts';
import type { KubeObject } from '../../../src/local/apiserver/resources.ts';

const dir = mkdtempSync(join(tmpdir(), 'argosy-memory-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Grows by 1 MiB every 10 ms, up to 300 MiB (so a broken limit cannot take the machine), then exits 0. */
const GROW = 'import time\nheld = []\nfor _ in range(300):\n    held.append(b"a" * 1048576)\n    time.sleep(0.01)\n';

function start(limits: Record<string, string> | undefined, code: string) {
  const container: KubeObject = {
    name: 'main',
    image: 'python:alpine3.6',
    command: ['python3', '-c', code],
    ...(limits ? { resources: { limits } } : {}),
  };
  const pod: KubeObject = { metadata: { name: 'p', namespace: 'argo', uid: 'u' }, spec: {}, status: {} };
  return new ProcessRuntime().startProcess({ pod, container, env: {}, podDir: dir, onOutput: () => {} });
}

describe('memory limits', () => {
  test('limits are Kubernetes quantities', () => {
    assert.equal(memoryLimitBytes({ resources: { limits: { memory: '5M' } } }), 5_000_000);
    assert.equal(memoryLimitBytes({ resources: { limits: { memory: '32Mi' } } }), 32 * 1024 * 1024);
    assert.equal(memoryLimitBytes({ resources: { limits: { memory: '1.5Gi' } } }), 1.5 * 1024 ** 3);
    assert.equal(memoryLimitBytes({ resources: { limits: { cpu: '1' } } }), undefined);
    assert.equal(memoryLimitBytes({}), undefined);
  });

  test('the resident memory of a process tree counts its children', async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], { stdio: 'ignore', detached: true });
    await new Promise((r) => setTimeout(r, 300));
    try {
      const own = Number(process.memoryUsage().rss);
      assert.ok(treeRss(process.pid) >= own * 0.5, 'this process is counted');
      const sh = treeRss(child.pid!, new Set());
      assert.ok(sh > 0);
      assert.equal(treeRss(2 ** 22 + 1), 0);
    } finally {
      // The whole group: the two sleeps must not outlive the test.
      process.kill(-child.pid!, 'SIGKILL');
      await once(child, 'close');
    }
  });

  test('a container over its limit is killed: exit 137, OOMKilled', async () => {
    const exit = await start({ memory: '40Mi' }, GROW).exited;
    assert.deepEqual(exit, { exitCode: 137, reason: 'OOMKilled' });
  });

  test('a container under its limit, or without one, runs to its end', async () => {
    assert.equal((await start({ memory: '64Mi' }, 'print("ok")').exited).exitCode, 0);
    assert.equal((await start(undefined, 'x = b"a" * (50 * 1048576)').exited).exitCode, 0);
  });
});
