/**
 * The web UI end to end: the seed example on the local stack (two embedded clusters, the real
 * controller), `argosy ui` as a CLI process, and Debian's Chromium driving the page. Screenshots for
 * docs/ui.md are written when UPDATE_UI_SCREENSHOTS=1 (same run, same pages).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { setTimeout as sleep } from 'node:timers/promises';
import { isNotFound } from '../../src/adapters/kube/errors.ts';
import { getWorkflow, listPods } from '../../src/adapters/kube/resources.ts';
import { createKubeClient } from '../../src/adapters/kube/http-client.ts';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import { ensureUiBuilt, launchChromium, ROOT, startUiProcess, type UiProcess } from './helpers.ts';

const SHOTS = process.env.UPDATE_UI_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'images') : undefined;
const SEED = readFileSync(join(ROOT, 'examples', 'multi-cluster.yaml'), 'utf8');
const LONG = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: long-
spec:
  entrypoint: nap
  templates:
    - name: nap
      container:
        image: argoproj/argosay:v2
        args: [sleep, "300"]
`;
const GLOBAL_OUTPUTS = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: globals-
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: alpine:3.23
        command: [sh, -c]
        args: ["echo -n hello > /tmp/hello.txt"]
      outputs:
        parameters:
          - name: p
            valueFrom: { path: /tmp/hello.txt }
            globalName: my-global-param
        artifacts:
          - name: a
            path: /tmp/hello.txt
            globalName: my-global-art
`;
const BROKEN = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: broken-
spec:
  entrypoint: main
  templates:
    - name: main
      clusterName: nowhere
      container:
        image: argoproj/argosay:v2
`;

describe('argosy ui in Chromium', () => {
  let stack: LocalStack;
  let ui: UiProcess;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const home = mkdtempSync(join(tmpdir(), 'argosy-ui-home-'));

  before(async () => {
    ensureUiBuilt();
    stack = await startLocalStack({ clusters: ['main', 'other'] });
    ui = await startUiProcess(['--kubeconfig', stack.kubeconfigPath, '--context', 'main', '-n', 'argo'], {
      ARGOSY_HOME: home,
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(ui.loginUrl);
  });

  after(async () => {
    await browser?.close();
    await ui?.stop();
    await stack?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  async function submit(yaml: string): Promise<string> {
    await page.click('button:has-text("+ Submit")');
    await page.fill('textarea[aria-label="workflow yaml"]', yaml);
    await page.click('.modal button.primary:has-text("Submit")');
    await page.waitForURL(/#\/workflows\/argo\/.+/);
    return decodeURIComponent(page.url().split('/').pop()!);
  }

  /** Polls the API server until the workflow is gone (its finalizer removed after its pods). */
  async function waitGone(name: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      try {
        await getWorkflow(stack.mainClient, 'argo', name);
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      await sleep(100);
    }
    assert.fail(`workflow ${name} was not deleted`);
  }

  const phaseIs = (phase: string) => page.waitForSelector(`[data-wf-phase="${phase}"]`, { timeout: 120_000 });

  test('the seed example: list, multi-cluster graph, logs from cluster other', async () => {
    const name = await submit(SEED);
    assert.match(name, /^multi-cluster-/);
    await phaseIs('Succeeded');
    const thisNode = page.locator('[data-node-name="this"]');
    const otherNode = page.locator('[data-node-name="other"]');
    assert.equal(await thisNode.getAttribute('data-cluster'), 'main');
    assert.equal(await otherNode.getAttribute('data-cluster'), 'other');
    assert.equal(await thisNode.locator('.cluster-badge text').textContent(), 'main');
    assert.equal(await otherNode.locator('.cluster-badge text').textContent(), 'other');
    assert.match((await page.locator('[data-testid="legend"]').textContent()) ?? '', /main\/argo.*other\/argo/);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'ui-dag.png') });

    await otherNode.click();
    await page.click('.panel .tabs button:has-text("logs")');
    const source = page.locator('[data-log-source]');
    await source.waitFor();
    assert.equal(await source.getAttribute('data-log-source'), 'other/argo');
    await page.locator('[data-testid="log-text"]', { hasText: 'hello argo' }).waitFor();
    // The pod really is in cluster `other` (and not in main).
    const o = stack.clusters.get('other');
    const otherClient = createKubeClient({
      cluster: 'other',
      server: o.url,
      tls: { caPem: o.caPem },
      auth: { kind: 'bearer', token: o.adminToken },
    });
    const pods = await listPods<{ metadata: { name: string } }>(otherClient, 'argo', {
      labelSelector: `workflows.argoproj.io/workflow=${name}`,
    });
    otherClient.close();
    assert.equal(pods.items.length, 1);
    assert.match((await source.textContent()) ?? '', new RegExp(pods.items[0]!.metadata.name));
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'ui-logs.png') });

    await page.click('a:has-text("Workflows")');
    const row = page.locator(`tr[data-workflow="${name}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-phase'), 'Succeeded');
    assert.deepEqual(await row.locator('.badge').allTextContents(), ['main', 'other']);
  });

  test('stop, then delete, with confirmations', async () => {
    const name = await submit(LONG);
    await phaseIs('Running');
    await page.click('button[data-action="stop"]');
    await page.click('.modal button.danger:has-text("Stop")');
    await phaseIs('Failed');
    assert.match(
      (await page.locator('[data-testid="wf-message"]').textContent()) ?? '',
      /Stopped with strategy 'Stop'/,
    );
    await page.click('button[data-action="delete"]');
    await page.click('.modal button.danger:has-text("Delete")');
    await page.waitForURL(/#\/workflows$/);
    await waitGone(name);
    // The list follows the watch: the row goes when the object does.
    await page.locator(`tr[data-workflow="${name}"]`).waitFor({ state: 'detached', timeout: 60_000 });
  });

  test("the workflow's global outputs: parameter value and artifact key", async () => {
    const name = await submit(GLOBAL_OUTPUTS);
    await phaseIs('Succeeded');
    const outputs = page.locator('[data-testid="wf-outputs"]');
    await outputs.waitFor();
    assert.equal(await outputs.locator('[data-output-name="my-global-param"] td').textContent(), 'hello');
    const art =
      (await outputs.locator('[data-output="artifact"][data-output-name="my-global-art"] td').textContent()) ?? '';
    // The key the executor uploaded to, in the local repository (keyFormat {{workflow.name}}/{{pod.name}}).
    assert.match(art, new RegExp(`^s3: (argosy-artifacts/)?${name}/${name}[^/]*/a\\.tgz$`));
  });

  test('an error workflow shows its message', async () => {
    await submit(BROKEN);
    await page.waitForSelector('[data-wf-phase="Error"], [data-wf-phase="Failed"]', { timeout: 120_000 });
    const message = (await page.locator('[data-testid="wf-message"]').textContent()) ?? '';
    assert.match(message, /nowhere/);
  });

  test('the clusters page shows both clusters reachable, checked as `cluster check` does', async () => {
    await page.click('a:has-text("Clusters")');
    await page.waitForSelector('[data-cluster-card="other"]');
    assert.equal(
      await page.locator('[data-cluster-card="main"] [data-health]').first().getAttribute('data-health'),
      'ok',
    );
    const other = page.locator('[data-cluster-card="other"] [data-health]').first();
    // The local stack's RBAC-limited identity for `other` may not ask SelfSubjectAccessReviews, which
    // `argosy cluster check` also reports; the cluster is reachable, with that said.
    assert.match(
      (await other.getAttribute('data-health')) ?? '',
      /^(ok|unchecked)$/,
      (await other.textContent()) ?? '',
    );
    assert.match((await other.textContent()) ?? '', /v1\.\d+/);
    // The list after everything above: several phases, live.
    await page.click('a:has-text("Workflows")');
    await page.locator('tr[data-workflow]').first().waitFor();
    if (SHOTS)
      await page.screenshot({ path: join(SHOTS, 'ui-list.png'), clip: { x: 0, y: 0, width: 1280, height: 260 } });
  });
});
