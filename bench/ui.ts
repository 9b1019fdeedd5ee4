/**
 * The UI with a 10,000-node workflow: the object (half its pods in cluster `other`, nodes stored
 * compressed as the controller stores big ones) in the local API server, `argosy ui` as a CLI
 * process, Debian's Chromium opening the workflow page. Records the time from navigation to the
 * graph drawn, the boxes actually in the page, the time to expand the fan-out by 100 boxes, and the
 * time per pan step (drag + two animation frames) over the expanded graph.
 */
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { createWorkflow } from '../src/adapters/kube/resources.ts';
import type { NodeStatus, Workflow } from '../src/engine/types.ts';
import { startLocalStack } from '../src/local/stack.ts';
import { ensureUiBuilt, launchChromium, startUiProcess } from '../test/ui/helpers.ts';
import { round, summarize, type Summary } from './baseline.ts';

/** A finished DAG fan-out of `n` pods (every other one in cluster `other`), nodes compressed. */
export function bigWorkflow(name: string, n: number): Workflow {
  const t = '2026-01-01T00:00:00Z';
  const nodes: Record<string, NodeStatus> = {};
  const pods: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${name}-${1000000000 + i}`;
    pods.push(id);
    nodes[id] = {
      id,
      name: `${name}.fan(${i}:${i})`,
      displayName: `fan(${i}:${i})`,
      type: 'Pod',
      templateName: 'work',
      phase: 'Succeeded',
      startedAt: t,
      finishedAt: t,
      ...(i % 2 ? { clusterName: 'other' } : {}),
    };
  }
  nodes[`${name}-1`] = {
    id: `${name}-1`,
    name: `${name}.fan`,
    displayName: 'fan',
    type: 'TaskGroup',
    phase: 'Succeeded',
    children: pods,
  };
  nodes[name] = {
    id: name,
    name,
    displayName: name,
    type: 'DAG',
    templateName: 'main',
    phase: 'Succeeded',
    children: [`${name}-1`],
  };
  const compressedNodes = gzipSync(JSON.stringify(nodes)).toString('base64');
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name,
      labels: { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Succeeded' },
    },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'fan', template: 'work', withSequence: { count: String(n) } }] } },
        { name: 'work', container: { image: 'argoproj/argosay:v2' } },
      ],
    },
    status: { phase: 'Succeeded', startedAt: t, finishedAt: t, progress: `${n}/${n}`, compressedNodes },
  } as Workflow;
}

export interface UiBenchResult {
  nodes: number;
  openMs: Summary;
  drawnBoxes: number;
  expandMs: Summary;
  drawnAfterExpand: number;
  panStepAfterExpandMs: Summary;
}

/** Opens the big workflow `runs` times in a fresh page each. */
export async function runUiBench(n: number, runs: number): Promise<UiBenchResult> {
  ensureUiBuilt();
  const stack = await startLocalStack({ clusters: ['main', 'other'], runtime: 'sim' });
  const ui = await startUiProcess(['--kubeconfig', stack.kubeconfigPath, '--context', 'main', '-n', 'argo'], {
    ARGOSY_HOME: stack.kubeconfigPath + '.home',
  });
  const browser = await launchChromium();
  const open: number[] = [];
  const expand: number[] = [];
  const panAfter: number[] = [];
  let drawn = 0;
  let drawnAfter = 0;
  try {
    await createWorkflow(stack.mainClient, 'argo', bigWorkflow('big', n));
    for (let r = 0; r < runs; r++) {
      const page = await browser.context.newPage();
      await page.goto(ui.loginUrl);
      await page.waitForSelector('.top');
      const t0 = Date.now();
      await page.goto(`${ui.url}#/workflows/argo/big`);
      await page.waitForSelector('[data-collapsed]', { timeout: 120_000 });
      open.push(Date.now() - t0);
      drawn = await page.locator('svg [data-node-id], svg [data-collapsed]').count();
      const t1 = Date.now();
      await page.click('[data-collapsed]');
      await page.waitForFunction('Number(document.querySelector("svg[data-total-nodes]").dataset.totalNodes) > 100');
      expand.push(Date.now() - t1);
      drawnAfter = await page.locator('svg [data-node-id]').count();
      panAfter.push(await panSteps(page));
      await page.close();
    }
  } finally {
    await browser.close();
    await ui.stop();
    await stack.stop();
  }
  return {
    nodes: n + 2,
    openMs: summarize(open),
    drawnBoxes: drawn,
    expandMs: summarize(expand),
    drawnAfterExpand: drawnAfter,
    panStepAfterExpandMs: summarize(panAfter),
  };
}

/** Drags the graph 20 steps, each waited until painted (two animation frames); ms per step. */
async function panSteps(page: Page): Promise<number> {
  const box = (await page.locator('.graph').boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height - 20;
  await page.mouse.move(x, y);
  await page.mouse.down();
  const t0 = Date.now();
  for (let i = 1; i <= 20; i++) {
    await page.mouse.move(x - i * 15, y - i * 10);
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  }
  const per = (Date.now() - t0) / 20;
  await page.mouse.up();
  return round(per);
}
